/*
 * Utilities of the C ABI fuzz harnesses: the report of the decoded calls and the abort on a violated invariant, the
 * input reader, the element types and their conversions, buffers between PROT_NONE pages with canaries, the error
 * message checks, the settings every input starts from, libFuzzer's initialisation and the replay without libFuzzer.
 * Everything is static: each harness is one translation unit that includes this header once.
 */
#ifndef FOCAL_FUZZ_COMMON_H
#define FOCAL_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "focal_aot.h"
#include "../tests/half_bits.h" /* the C tests' 16-bit conversions */

/* ---------------------------------------------------------------------------------------------------------------- */
/* Reporting                                                                                                         */

static char decoded[16384]; /* the calls of the current input, as decoded */
static size_t decoded_length;
static unsigned long long inputs_run, operations_run, library_calls, errors_seen, oks_seen;

static void note(const char *format, ...) {
    if (decoded_length >= sizeof decoded - 1) return;
    va_list arguments;
    va_start(arguments, format);
    int written = vsnprintf(decoded + decoded_length, sizeof decoded - decoded_length, format, arguments);
    va_end(arguments);
    if (written > 0) decoded_length += (size_t)written;
    if (decoded_length > sizeof decoded - 1) decoded_length = sizeof decoded - 1;
}

static void fail(const char *format, ...) {
    fprintf(stderr, "\n==== focal fuzz: invariant violated ====\n");
    va_list arguments;
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fprintf(stderr, "\n---- decoded calls of this input ----\n%s\n", decoded);
    fflush(stderr);
    abort();
}

#define REQUIRE(condition, ...)                                                                                       \
    do {                                                                                                              \
        if (!(condition)) fail(__VA_ARGS__);                                                                          \
    } while (0)

/* ---------------------------------------------------------------------------------------------------------------- */
/* Input decoding                                                                                                    */

typedef struct {
    const uint8_t *data;
    size_t size, position;
} reader;

static uint8_t u8(reader *r) { return r->position < r->size ? r->data[r->position++] : 0; }
static uint16_t u16(reader *r) { return (uint16_t)(u8(r) | (uint16_t)u8(r) << 8); }
static uint32_t u32(reader *r) { return (uint32_t)u16(r) | (uint32_t)u16(r) << 16; }
static uint64_t u64(reader *r) { return (uint64_t)u32(r) | (uint64_t)u32(r) << 32; }

/* splitmix64: element values of large buffers come from a seed in the input. */
static uint64_t mix(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double unit(uint64_t *state) { return (double)(mix(state) >> 11) / 9007199254740992.0; }

/* ---------------------------------------------------------------------------------------------------------------- */
/* Element types                                                                                                     */

enum { F32, F64, F16, BF16, TYPE_COUNT };
static const char *const type_names[] = {"f32", "f64", "f16", "bf16"};
static const size_t type_sizes[] = {4, 8, 2, 2};
static const double type_max[] = {FLT_MAX, DBL_MAX, 65504.0, 3.3895313892515355e38};

static double get_value(int type, const void *base, size_t i) {
    const unsigned char *p = (const unsigned char *)base + i * type_sizes[type];
    switch (type) {
    case F32: { float v; memcpy(&v, p, 4); return v; }
    case F64: { double v; memcpy(&v, p, 8); return v; }
    case F16: { uint16_t v; memcpy(&v, p, 2); return f16_to_float(v); }
    default: { uint16_t v; memcpy(&v, p, 2); return bf16_to_float(v); }
    }
}

static void set_value(int type, void *base, size_t i, double value) {
    unsigned char *p = (unsigned char *)base + i * type_sizes[type];
    switch (type) {
    case F32: { float v = (float)value; memcpy(p, &v, 4); break; }
    case F64: memcpy(p, &value, 8); break;
    case F16: { uint16_t v = float_to_f16((float)value); memcpy(p, &v, 2); break; }
    default: { uint16_t v = float_to_bf16((float)value); memcpy(p, &v, 2); break; }
    }
}

static void set_bits(int type, void *base, size_t i, uint64_t bits) {
    memcpy((unsigned char *)base + i * type_sizes[type], &bits, type_sizes[type]); /* little-endian */
}

/* The positive quiet NaN every NaN sum or mean must be. */
static int is_canonical_nan(int type, const void *value) {
    static const uint64_t canonical[] = {0x7fc00000u, 0x7ff8000000000000ull, 0x7e00u, 0x7fc0u};
    uint64_t bits = 0;
    memcpy(&bits, value, type_sizes[type]);
    return bits == canonical[type];
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A table value, or raw bits of the wanted width when the index byte says so. */
static double pick_double(reader *r, const double *table, size_t count) {
    uint8_t index = u8(r);
    if (index == 0xff) {
        uint64_t bits = u64(r);
        double value;
        memcpy(&value, &bits, sizeof value);
        return value;
    }
    return table[index % count];
}

/* Element values of one buffer: a fill mode and seed, then up to 3 explicit values at chosen indices. The smooth
 * mode draws uniformly from [0, uniform_high), or, with uniform_high 0, from a symmetric range of a chosen scale. */
static void fill(reader *r, int type, void *base, size_t count, const double *table, size_t table_count,
                 size_t valid_count, double uniform_high) {
    uint8_t mode = u8(r);
    uint64_t state = u32(r) | (uint64_t)mode << 40;
    double constant = table[u8(r) % table_count];
    static const double scales[] = {1.0, 6.0, 12.0, 40.0, 100.0, 1e4, 1e30};
    double scale = scales[(mode >> 4) % COUNT(scales)];
    for (size_t i = 0; i < count; i++) {
        switch (mode % 8) {
        case 0: set_value(type, base, i, table[mix(&state) % table_count]); break;
        case 1: set_value(type, base, i, table[mix(&state) % valid_count]); break;
        case 2: set_value(type, base, i, constant); break;
        case 3: set_bits(type, base, i, mix(&state)); break;
        case 4: set_value(type, base, i, (double)(mix(&state) & 1)); break;
        default: {
            double u = unit(&state);
            set_value(type, base, i, uniform_high > 0 ? uniform_high * u : (2 * u - 1) * scale);
            if ((mix(&state) & 63) == 0) set_value(type, base, i, table[mix(&state) % valid_count]);
        }
        }
    }
    for (int pokes = u8(r) % 4; pokes > 0 && count > 0; pokes--) {
        size_t index = u32(r) % count;
        uint8_t which = u8(r);
        if (which == 0xff) set_bits(type, base, index, u64(r));
        else set_value(type, base, index, table[which % table_count]);
    }
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Guarded memory                                                                                                    */

static size_t page_size;

typedef struct {
    unsigned char *map;  /* the whole mapping: guard page, usable pages, guard page */
    size_t map_size;
    unsigned char *usable; /* between the guards */
    size_t usable_size;
    unsigned char *span; /* the bytes the views may use; everything else usable is canary */
    size_t span_size;
} region;

static unsigned char canary(size_t i) { return (unsigned char)(0xA5u ^ (i * 131u)); }

/* placement: 0 = canaries on both sides, 1 = span flush against the trailing guard, 2 = flush against the leading
 * one. */
static void region_create(region *g, size_t span_size, int placement, size_t slack) {
    size_t usable = (span_size + slack + 64 + page_size - 1) / page_size * page_size;
    g->map_size = usable + 2 * page_size;
    g->map = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(g->map != MAP_FAILED, "mmap of %zu bytes failed", g->map_size);
    REQUIRE(mprotect(g->map, page_size, PROT_NONE) == 0
                && mprotect(g->map + page_size + usable, page_size, PROT_NONE) == 0,
            "mprotect failed");
    g->usable = g->map + page_size;
    g->usable_size = usable;
    g->span_size = span_size;
    if (placement == 1) g->span = g->usable + usable - span_size;
    else if (placement == 2) g->span = g->usable;
    else g->span = g->usable + 32 + slack % 29;
    for (size_t i = 0; i < usable; i++) g->usable[i] = canary(i);
}

static void region_check(const region *g, const char *what) {
    if (g->map == NULL) return;
    size_t begin = (size_t)(g->span - g->usable), end = begin + g->span_size;
    for (size_t i = 0; i < g->usable_size; i++) {
        if (i >= begin && i < end) continue;
        REQUIRE(g->usable[i] == canary(i), "%s: byte %zd from the start of its buffer was written (a canary)", what,
                (ptrdiff_t)i - (ptrdiff_t)begin);
    }
}

static void region_free(region *g) {
    if (g->map != NULL) munmap(g->map, g->map_size);
    memset(g, 0, sizeof *g);
}

static unsigned char *guard_page(const region *g) { return g->map; } /* PROT_NONE: never to be touched */

/* ---------------------------------------------------------------------------------------------------------------- */
/* Error messages                                                                                                    */

static char message[8192]; /* the message of the last failed call on this thread, as last read */

static const char *read_message(void) {
    static char buffer[8192];
    size_t needed = 0;
    library_calls++;
    focal_status status = focal_last_error_message(buffer, sizeof buffer, &needed);
    REQUIRE(status == FOCAL_OK, "focal_last_error_message with a %zu-byte buffer returned %d", sizeof buffer, status);
    REQUIRE(needed >= 1 && needed <= sizeof buffer && memchr(buffer, 0, sizeof buffer) == buffer + needed - 1,
            "focal_last_error_message: needed %zu, but the message has %zu bytes", needed,
            strnlen(buffer, sizeof buffer));
    return buffer;
}

/* After a failed call: a new message, non-empty, naming the rule (when a fragment is given). */
static void expect_message(const char *fragment, const char *what) {
    const char *text = read_message();
    REQUIRE(text[0] != '\0', "%s: the error message is empty", what);
    if (fragment != NULL && fragment[0] != '\0')
        REQUIRE(strstr(text, fragment) != NULL, "%s: the message '%s' does not mention '%s'", what, text, fragment);
    snprintf(message, sizeof message, "%s", text);
    errors_seen++;
}

/* After a successful call: the last error's message is unchanged. */
static void expect_message_kept(const char *what) {
    const char *text = read_message();
    REQUIRE(strcmp(text, message) == 0, "%s: a successful call changed the error message from '%s' to '%s'", what,
            message, text);
    oks_seen++;
}

/* A status a host entry may return (FOCAL_ERROR_DEVICE belongs to the device entries). */
static int is_header_status(focal_status status) { return status >= FOCAL_OK && status <= FOCAL_ERROR_BUFFER_TOO_SMALL; }

/* ---------------------------------------------------------------------------------------------------------------- */
/* Settings and entry points                                                                                         */

#ifndef FOCAL_FUZZ_AMBIGUITY
#error "Define FOCAL_FUZZ_AMBIGUITY (what the report calls the cases that accept either status) before including."
#endif

static unsigned long long ambiguous_ok, ambiguous_error;
static int verbose; /* FOCAL_FUZZ_VERBOSE=1: print every input's decoded calls */
static int detected_isa, current_isa, current_threads;

static void report(void) {
    fprintf(stderr, "focal fuzz: %llu inputs, %llu operations, %llu library calls (%llu failed as expected, %llu "
                    "succeeded; " FOCAL_FUZZ_AMBIGUITY ": %llu accepted, %llu rejected)\n",
            inputs_run, operations_run, library_calls, errors_seen, oks_seen, ambiguous_ok, ambiguous_error);
}

static void initialize(void) {
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    verbose = getenv("FOCAL_FUZZ_VERBOSE") != NULL && getenv("FOCAL_FUZZ_VERBOSE")[0] == '1';
    library_calls += 2;
    REQUIRE(focal_abi_version() == FOCAL_ABI_VERSION, "ABI version %d, header %d: %s", focal_abi_version(),
            FOCAL_ABI_VERSION, read_message());
    detected_isa = focal_get_isa();
    REQUIRE(detected_isa >= FOCAL_ISA_SCALAR && detected_isa <= FOCAL_ISA_AVX512, "focal_get_isa() = %d", detected_isa);
    snprintf(message, sizeof message, "%s", read_message());
    atexit(report);
}

/* The reader of a new input; every input starts from the default settings, so that it replays alike. */
static reader start_input(const uint8_t *data, size_t size) {
    decoded_length = 0;
    decoded[0] = '\0';
    inputs_run++;
    library_calls += 2;
    REQUIRE(focal_set_max_isa(detected_isa) == FOCAL_OK && focal_set_num_threads(0) == FOCAL_OK,
            "resetting the settings");
    current_isa = detected_isa;
    current_threads = 0;
    return (reader){data, size, 0};
}

static void finish_input(void) {
    if (verbose) fprintf(stderr, "---- input %llu ----\n%s", inputs_run, decoded);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* each harness's */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    initialize();
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Replay without libFuzzer                                                                                          */

#ifdef FOCAL_FUZZ_REPLAY_MAIN
/* Replays files, or every file of folders, once each (without libFuzzer). */
static int replay_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    static uint8_t buffer[1 << 20];
    size_t size = fread(buffer, 1, sizeof buffer, file);
    fclose(file);
    LLVMFuzzerTestOneInput(buffer, size);
    return 0;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    if (focal_abi_version() < 0) {
        char text[1024] = "";
        focal_last_error_message(text, sizeof text, NULL);
        if (strstr(text, "not a variant this CPU runs") != NULL) {
            printf("SKIPPED: %s\n", text);
            return 77;
        }
    }
    initialize();
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        struct stat info;
        if (stat(argv[i], &info) != 0) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            failures++;
            continue;
        }
        if (!S_ISDIR(info.st_mode)) {
            failures += replay_file(argv[i]);
            continue;
        }
        DIR *folder = opendir(argv[i]);
        char *names[4096];
        size_t count = 0;
        for (struct dirent *entry; folder != NULL && (entry = readdir(folder)) != NULL && count < 4096;) {
            if (entry->d_name[0] == '.') continue;
            size_t length = strlen(argv[i]) + strlen(entry->d_name) + 2;
            names[count] = malloc(length);
            snprintf(names[count], length, "%s/%s", argv[i], entry->d_name);
            count++;
        }
        if (folder != NULL) closedir(folder);
        qsort(names, count, sizeof names[0], compare_names);
        for (size_t k = 0; k < count; k++) {
            failures += replay_file(names[k]);
            free(names[k]);
        }
    }
    printf("replayed %llu inputs: %llu operations, %llu library calls, no invariant violated\n", inputs_run,
           operations_run, library_calls);
    return failures == 0 ? 0 : 1;
}
#endif

#endif /* FOCAL_FUZZ_COMMON_H */
