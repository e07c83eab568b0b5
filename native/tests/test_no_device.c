/*
 * libfocalaot on a machine without OpenCL devices: the OpenCL ICD loader is pointed at an empty vendors directory
 * (OCL_ICD_VENDORS, set here before the library first touches OpenCL), or there is no OpenCL library at all.
 * focal_device_count() is 0 and answers at once (argv[1]: the limit in milliseconds of its first call, 0 for none),
 * the reason is given, the device entries fail cleanly, and the CPU entries work.
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal_aot.h"
#include "check.h"

static const char *last_error(void) {
    static char buffer[1024];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

/* ctest's SKIP_RETURN_CODE: the forced variant needs an ISA this CPU lacks. */
enum { EXIT_SKIPPED = 77 };

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    double limit_ms = argc > 1 ? atof(argv[1]) : 100;
    char vendors[] = "/tmp/focal-no-opencl-XXXXXX";
    if (mkdtemp(vendors) == NULL || setenv("OCL_ICD_VENDORS", vendors, 1) != 0) {
        perror("an empty OCL_ICD_VENDORS directory");
        return 1;
    }

    if (focal_abi_version() < 0 && strstr(last_error(), "not a variant this CPU runs") != NULL) {
        printf("SKIPPED: %s\n", last_error());
        rmdir(vendors);
        return EXIT_SKIPPED;
    }
    CHECK(focal_abi_version() == FOCAL_ABI_VERSION, "the library did not load: %s", last_error());
    double start = now_ms();
    int count = focal_device_count();
    double elapsed = now_ms() - start;
    CHECK(count == 0, "focal_device_count() = %d with no OpenCL platform", count);
    CHECK(limit_ms <= 0 || elapsed < limit_ms, "the first focal_device_count() took %.1f ms (limit %.0f)", elapsed, limit_ms);
    CHECK(focal_device_count() == 0, "the count changed");

    char reason[1024] = "";
    size_t needed = 0;
    CHECK(focal_device_unavailable_reason(reason, sizeof reason, &needed) == FOCAL_OK && reason[0] != '\0' && needed == strlen(reason) + 1,
          "no reason given ('%s', needed %zu)", reason, needed);
    printf("no devices (first count %.1f ms): %s\n", elapsed, reason);
    char small[4];
    CHECK(focal_device_unavailable_reason(small, sizeof small, NULL) == FOCAL_ERROR_BUFFER_TOO_SMALL && strlen(small) == 3,
          "a short buffer gets a truncated reason");

    float x[4] = {0.1f, -2, 3, 0}, y[4] = {0, 1, 0.5f, 1}, out[4], sum = 0;
    CHECK(focal_device_sigmoid_forward_f32(0, x, y, 4, NULL, out) == FOCAL_ERROR_INVALID_ARGUMENT
              && strstr(last_error(), "focal_device_count() is 0") != NULL,
          "a device call without devices: %s", last_error());
    focal_device_info info;
    info.struct_size = sizeof info;
    CHECK(focal_device_get_info(0, &info) == FOCAL_ERROR_INVALID_ARGUMENT, "get_info without devices: %s", last_error());
    int not_a_queue = 0;
    CHECK(focal_cl_finish(&not_a_queue) == FOCAL_ERROR_INVALID_ARGUMENT && strstr(last_error(), "not held") != NULL,
          "focal_cl_finish on a queue the library never saw: %s", last_error());

    focal_options options;
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_SUM;
    CHECK(focal_sigmoid_forward_f32(x, y, 4, NULL, out) == FOCAL_OK && out[1] > 0, "the CPU entries work: %s", last_error());
    float total = out[0] + out[1] + out[2] + out[3];
    CHECK(focal_sigmoid_forward_f32(x, y, 4, &options, &sum) == FOCAL_OK && sum > 0.9999f * total && sum < 1.0001f * total,
          "the CPU sum: %g, expected %g (%s)", sum, total, last_error());

    rmdir(vendors);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
