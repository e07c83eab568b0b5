/* The C tests' assertion: CHECK(condition, format, ...) counts a pass, or counts a failure and prints where and why.
 * Each test program includes this once and reports passed and failed at its end. */
#ifndef FOCAL_TESTS_CHECK_H
#define FOCAL_TESTS_CHECK_H

#include <stdio.h>

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

#endif
