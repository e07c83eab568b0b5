/*
 * The process settings of libfocalaot, each in a child process of its own that sets the environment and then opens
 * the library (argv[1]: the dispatcher, libfocalaot.so) with dlopen, so that every child loads it afresh:
 * FOCALAOT_SIMD_PATH (a path name, or a bad value: FOCAL_ERROR_UNSUPPORTED naming the variable, never
 * FOCAL_ERROR_INTERNAL).
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "focal_aot.h"

static int passed, failed;

#define CHECK(condition, ...)                                                                                 \
    do {                                                                                                      \
        if (condition) {                                                                                      \
            passed++;                                                                                         \
        } else {                                                                                              \
            failed++;                                                                                         \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                       \
            printf(__VA_ARGS__);                                                                              \
            printf("\n");                                                                                     \
        }                                                                                                     \
    } while (0)

/* The entries a child uses, from the library it opened. */
typedef struct {
    int32_t (*abi_version)(void);
    focal_status (*last_error_message)(char *, size_t, size_t *);
    int32_t (*get_isa)(void);
    focal_status (*set_max_isa)(int32_t);
    focal_status (*forward_f32)(const float *, const float *, size_t, const focal_options *, float *);
} library;

static int open_library(const char *path, library *lib) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        printf("FAIL: dlopen(%s): %s\n", path, dlerror());
        return 0;
    }
    *(void **)&lib->abi_version = dlsym(handle, "focal_abi_version");
    *(void **)&lib->last_error_message = dlsym(handle, "focal_last_error_message");
    *(void **)&lib->get_isa = dlsym(handle, "focal_get_isa");
    *(void **)&lib->set_max_isa = dlsym(handle, "focal_set_max_isa");
    *(void **)&lib->forward_f32 = dlsym(handle, "focal_sigmoid_forward_f32");
    return lib->abi_version && lib->last_error_message && lib->get_isa && lib->set_max_isa && lib->forward_f32;
}

static const char *last_error(const library *lib) {
    static char buffer[8192];
    lib->last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

/* Runs scenario(path) in a child process with NAME=VALUE set (VALUE NULL: unset); adds its counts to ours. */
static void in_child(const char *what, const char *name, const char *value, void (*scenario)(const char *), const char *path) {
    fflush(stdout);
    int counts[2];
    if (pipe(counts) != 0) {
        perror("pipe");
        exit(1);
    }
    pid_t child = fork();
    if (child == 0) {
        close(counts[0]);
        if (value != NULL) setenv(name, value, 1); else unsetenv(name);
        scenario(path);
        int result[2] = {passed, failed};
        if (write(counts[1], result, sizeof result) != (ssize_t)sizeof result) _exit(2);
        fflush(stdout);
        _exit(0);
    }
    close(counts[1]);
    int result[2] = {0, 0}, status = 0;
    ssize_t got = read(counts[0], result, sizeof result);
    close(counts[0]);
    waitpid(child, &status, 0);
    CHECK(got == (ssize_t)sizeof result && WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the child process failed (status %d)",
          what, status);
    passed += result[0];
    failed += result[1];
}

static void bad_simd_path(const char *path) {
    library lib;
    if (!open_library(path, &lib)) {
        failed++;
        return;
    }
    CHECK(lib.abi_version() == FOCAL_ABI_VERSION, "FOCALAOT_SIMD_PATH=bogus: the library did not load: %s", last_error(&lib));
    float x[2] = {0.5f, -1}, y[2] = {1, 0}, out[2];
    focal_status status = lib.forward_f32(x, y, 2, NULL, out);
    const char *text = last_error(&lib);
    CHECK(status == FOCAL_ERROR_UNSUPPORTED, "FOCALAOT_SIMD_PATH=bogus: a call returned %d, expected FOCAL_ERROR_UNSUPPORTED (%s)",
          status, text);
    CHECK(strstr(text, "FOCALAOT_SIMD_PATH='bogus'") != NULL && strstr(text, "scalar") != NULL && strstr(text, "vector512") != NULL
              && strstr(text, "internal") == NULL && strchr(text, '\n') == NULL,
          "FOCALAOT_SIMD_PATH=bogus: the message must name the variable, its value and the valid paths: '%s'", text);
    status = lib.set_max_isa(FOCAL_ISA_SCALAR);
    CHECK(status == FOCAL_ERROR_UNSUPPORTED, "FOCALAOT_SIMD_PATH=bogus: focal_set_max_isa returned %d (%s)", status,
          last_error(&lib));
    CHECK(lib.get_isa() == -1 && strstr(last_error(&lib), "FOCALAOT_SIMD_PATH") != NULL, "FOCALAOT_SIMD_PATH=bogus: focal_get_isa %d (%s)",
          lib.get_isa(), last_error(&lib));
}

static void scalar_simd_path(const char *path) {
    library lib;
    if (!open_library(path, &lib)) {
        failed++;
        return;
    }
    float x[2] = {0.5f, -1}, y[2] = {1, 0}, out[2];
    CHECK(lib.forward_f32(x, y, 2, NULL, out) == FOCAL_OK, "FOCALAOT_SIMD_PATH=scalar: %s", last_error(&lib));
    CHECK(lib.get_isa() == FOCAL_ISA_SCALAR, "FOCALAOT_SIMD_PATH=scalar: focal_get_isa() = %d", lib.get_isa());
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_settings path/to/libfocalaot.so\n");
        return 2;
    }
    const char *dispatcher = argv[1];
    unsetenv("FOCALAOT_VARIANT");
    in_child("FOCALAOT_SIMD_PATH=bogus", "FOCALAOT_SIMD_PATH", "bogus", bad_simd_path, dispatcher);
    in_child("FOCALAOT_SIMD_PATH=scalar", "FOCALAOT_SIMD_PATH", "scalar", scalar_simd_path, dispatcher);
    printf("settings: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
