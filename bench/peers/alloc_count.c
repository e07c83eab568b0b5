/* Counts the bytes every malloc-family call of the process asks for, so that a benchmark can report what one call
 * of a peer allocates. run.py preloads it (LD_PRELOAD) into every harness; a harness reads the running total through
 * alloc_count_bytes(), found with dlsym. Frees are not subtracted: the figure is what a call allocates, not what it
 * keeps. glibc's __libc_* entry points do the work, so no dlsym bootstrap is needed. */
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static uint64_t allocated;

static void count(size_t bytes) { __atomic_fetch_add(&allocated, bytes, __ATOMIC_RELAXED); }

uint64_t alloc_count_bytes(void) { return __atomic_load_n(&allocated, __ATOMIC_RELAXED); }

void *malloc(size_t size)
{
    count(size);
    return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size)
{
    count(count_ * size);
    return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size)
{
    count(size);
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size)
{
    count(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    count(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0)
        return ENOMEM;
    count(size);
    *result = pointer;
    return 0;
}
