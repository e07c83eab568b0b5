/*
 * The process settings of libfocalaot, each in a child process of its own that sets the environment and then opens
 * the library (argv[1]: the dispatcher, libfocalaot.so) with dlopen, so that every child loads it afresh:
 * FOCALAOT_SIMD_PATH (a path name, or a bad value: FOCAL_ERROR_UNSUPPORTED naming the variable, never
 * FOCAL_ERROR_INTERNAL); and the dispatcher's search: through a symbolic link in another folder, alone in a folder
 * (every attempt reported), and an unknown FOCALAOT_VARIANT (the valid names listed); focal_loaded_variant from the
 * dispatcher and from each variant library opened directly.
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "focal_aot.h"
#include "check.h"

/* The entries a child uses, from the library it opened. */
typedef struct {
    int32_t (*abi_version)(void);
    focal_status (*last_error_message)(char *, size_t, size_t *);
    int32_t (*get_isa)(void);
    focal_status (*set_max_isa)(int32_t);
    focal_status (*forward_f32)(const float *, const float *, size_t, const focal_options *, float *);
    const char *(*loaded_variant)(void);
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
    *(void **)&lib->loaded_variant = dlsym(handle, "focal_loaded_variant");
    return lib->abi_version && lib->last_error_message && lib->get_isa && lib->set_max_isa && lib->forward_f32 && lib->loaded_variant;
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
        passed = failed = 0;
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

/* The variants of this architecture, and whether this CPU runs each (as the dispatcher decides). */
#if defined(__x86_64__)
static const char *const variants[] = {"x86-64-v4", "x86-64-v3", "x86-64-v2"};
static int cpu_runs(const char *variant) {
    __builtin_cpu_init();
    if (strcmp(variant, "x86-64-v4") == 0) return __builtin_cpu_supports("x86-64-v4");
    if (strcmp(variant, "x86-64-v3") == 0) return __builtin_cpu_supports("x86-64-v3");
    return __builtin_cpu_supports("x86-64-v2");
}
#else
static const char *const variants[] = {"arm64"};
static int cpu_runs(const char *variant) { return strcmp(variant, "arm64") == 0; }
#endif
enum { VARIANT_COUNT = sizeof variants / sizeof variants[0] };

/* A new empty folder under /tmp, and path/libfocalaot.so in it. */
static int scratch_folder(char folder[64], char file[96]) {
    snprintf(folder, 64, "/tmp/focal-settings-XXXXXX");
    if (mkdtemp(folder) == NULL) {
        perror("mkdtemp");
        return 0;
    }
    snprintf(file, 96, "%s/libfocalaot.so", folder);
    return 1;
}

/* A symbolic link to the dispatcher in another folder finds the variants beside the dispatcher's own file. */
static void through_a_link(const char *path) {
    char folder[64], link[96], target[PATH_MAX];
    if (!scratch_folder(folder, link) || realpath(path, target) == NULL || symlink(target, link) != 0) {
        failed++;
        return;
    }
    library lib;
    int opened = open_library(link, &lib);
    CHECK(opened && lib.abi_version() == FOCAL_ABI_VERSION, "a link to the dispatcher in %s: %s", folder,
          opened ? last_error(&lib) : "no library");
    CHECK(opened && lib.loaded_variant()[0] != '\0', "a link to the dispatcher: no loaded variant reported");
    unlink(link);
    rmdir(folder);
}

/* A copy of the dispatcher alone in a folder: no variant loads, and the message names every one it tried. */
static void dispatcher_alone(const char *path) {
    char folder[64], copy[96];
    if (!scratch_folder(folder, copy)) {
        failed++;
        return;
    }
    FILE *in = fopen(path, "rb"), *out = fopen(copy, "wb");
    char block[65536];
    size_t got;
    while (in != NULL && out != NULL && (got = fread(block, 1, sizeof block, in)) > 0) fwrite(block, 1, got, out);
    if (in != NULL) fclose(in);
    if (out != NULL) fclose(out);
    library lib;
    if (!open_library(copy, &lib)) {
        failed++;
        return;
    }
    CHECK(lib.abi_version() == -1, "the dispatcher alone loaded a variant");
    CHECK(strcmp(lib.loaded_variant(), "") == 0, "the dispatcher alone reports variant '%s'", lib.loaded_variant());
    const char *text = last_error(&lib);
    for (size_t i = 0; i < VARIANT_COUNT; i++) {
        if (!cpu_runs(variants[i])) continue;
        char tried[PATH_MAX];
        snprintf(tried, sizeof tried, "%s/libfocalaot-%s.so", folder, variants[i]);
        CHECK(strstr(text, tried) != NULL, "the dispatcher alone: the message does not report the attempt at %s: '%s'", tried, text);
    }
    float x[1] = {0}, y[1] = {1}, loss[1];
    CHECK(lib.forward_f32(x, y, 1, NULL, loss) == FOCAL_ERROR_UNSUPPORTED, "the dispatcher alone: a call must be UNSUPPORTED");
    unlink(copy);
    rmdir(folder);
}

/* FOCALAOT_VARIANT=bogus: every call UNSUPPORTED, and the message lists the valid names. */
static void unknown_variant(const char *path) {
    library lib;
    if (!open_library(path, &lib)) {
        failed++;
        return;
    }
    CHECK(lib.abi_version() == -1, "FOCALAOT_VARIANT=bogus loaded a variant");
    CHECK(strcmp(lib.loaded_variant(), "") == 0, "FOCALAOT_VARIANT=bogus reports variant '%s'", lib.loaded_variant());
    const char *text = last_error(&lib);
    CHECK(strstr(text, "FOCALAOT_VARIANT=bogus is not a variant name") != NULL, "FOCALAOT_VARIANT=bogus: '%s'", text);
    for (size_t i = 0; i < VARIANT_COUNT; i++)
        CHECK(strstr(text, variants[i]) != NULL, "FOCALAOT_VARIANT=bogus: the message does not list %s: '%s'", variants[i], text);
}

/* The variant the dispatcher loads by default is the best one this CPU runs among those beside it, and it says so. */
static const char *variant_folder;

static void best_variant(const char *path) {
    library lib;
    if (!open_library(path, &lib)) {
        failed++;
        return;
    }
    const char *expected = "";
    for (size_t i = 0; i < VARIANT_COUNT && expected[0] == '\0'; i++) {
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%s/libfocalaot-%s.so", variant_folder, variants[i]);
        if (cpu_runs(variants[i]) && access(file, R_OK) == 0) expected = variants[i];
    }
    CHECK(lib.abi_version() == FOCAL_ABI_VERSION && strcmp(lib.loaded_variant(), expected) == 0,
          "the dispatcher loaded '%s', the best variant here is '%s' (%s)", lib.loaded_variant(), expected, last_error(&lib));
}

/* A variant library opened directly reports its own name (path: the variant's file; its name follows "libfocalaot-"). */
static void variant_itself(const char *path) {
    library lib;
    if (!open_library(path, &lib)) {
        failed++;
        return;
    }
    char name[64];
    snprintf(name, sizeof name, "%s", strstr(path, "libfocalaot-") + strlen("libfocalaot-"));
    *strstr(name, ".so") = '\0';
    CHECK(strcmp(lib.loaded_variant(), name) == 0, "%s reports variant '%s'", path, lib.loaded_variant());
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
    in_child("a link to the dispatcher", "FOCALAOT_VARIANT", NULL, through_a_link, dispatcher);
    in_child("the dispatcher alone", "FOCALAOT_VARIANT", NULL, dispatcher_alone, dispatcher);
    in_child("FOCALAOT_VARIANT=bogus", "FOCALAOT_VARIANT", "bogus", unknown_variant, dispatcher);

    char folder[PATH_MAX];
    if (realpath(dispatcher, folder) == NULL) {
        perror(dispatcher);
        return 1;
    }
    *strrchr(folder, '/') = '\0';
    variant_folder = folder;
    in_child("the best variant", "FOCALAOT_VARIANT", NULL, best_variant, dispatcher);
    for (size_t i = 0; i < VARIANT_COUNT; i++) {
        char file[PATH_MAX + 64];
        snprintf(file, sizeof file, "%s/libfocalaot-%s.so", folder, variants[i]);
        if (cpu_runs(variants[i]) && access(file, R_OK) == 0) in_child(file, "FOCALAOT_VARIANT", NULL, variant_itself, file);
    }
    printf("settings: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
