/*
 * Process-level behaviour of libfocalaot: a call in a fork()ed child of a parent whose worker threads exist
 * finishes (Python's multiprocessing and torch's DataLoader fork), also when the fork comes right after the
 * process's first pooled call, and no thread-count setting makes the
 * library start more worker threads than there are processors.
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "focal_aot.h"
#include "check.h"

/* Above the threshold (131072) at which a call runs on the worker threads. */
enum { POOLED_N = 300000, CHILD_SECONDS = 20 };
static float x[POOLED_N], y[POOLED_N], expected[POOLED_N], out[POOLED_N];

static focal_options none, sum_options; /* gamma 2, alpha 0.25; reduction NONE and SUM */

static const char *last_error(void) {
    static char buffer[1024];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

static int thread_count(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) return -1;
    int count = 0;
    for (struct dirent *entry; (entry = readdir(tasks)) != NULL;)
        if (entry->d_name[0] != '.') count++;
    closedir(tasks);
    return count;
}

/* The child's exit code: 0 when its pooled calls match the parent's results bit for bit. */
static int child_calls(float expected_sum) {
    float sum;
    for (int round = 0; round < 3; round++) {
        if (focal_sigmoid_forward_f32(x, y, POOLED_N, &none, out) != FOCAL_OK) return 2;
        if (memcmp(out, expected, sizeof out) != 0) return 3;
        if (focal_sigmoid_forward_f32(x, y, POOLED_N, &sum_options, &sum) != FOCAL_OK) return 4;
        if (memcmp(&sum, &expected_sum, sizeof sum) != 0) return 5;
    }
    return 0;
}

/* Waits for the child up to CHILD_SECONDS; a child still running then is deadlocked, and is killed. */
static void expect_child_finishes(pid_t child, const char *what) {
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (int waited = 0; waited < CHILD_SECONDS * 100; waited++) {
        int status;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) {
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child exited with status %d", what,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            return;
        }
        nanosleep(&pause, NULL);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK(0, "%s: the child's call did not return within %d s", what, CHILD_SECONDS);
}

static void fill_inputs(void) {
    for (int i = 0; i < POOLED_N; i++) {
        x[i] = (float)((int)(i * 7919L % 2001) - 1000) / 97.0f;
        y[i] = (float)(i % 11 == 0);
    }
}

static void fork_after_pool(void) {
    fill_inputs();
    float expected_sum;
    CHECK(focal_set_num_threads(0) == FOCAL_OK, "threads: %s", last_error());
    CHECK(focal_sigmoid_forward_f32(x, y, POOLED_N, &none, expected) == FOCAL_OK,
          "parent call: %s", last_error());
    CHECK(focal_sigmoid_forward_f32(x, y, POOLED_N, &sum_options, &expected_sum) == FOCAL_OK,
          "parent sum: %s", last_error());

    pid_t child = fork();
    if (child == 0) _exit(child_calls(expected_sum));
    CHECK(child > 0, "fork failed");
    if (child > 0) expect_child_finishes(child, "fork after the pool exists");

    /* A grandchild: the child's own pool is replaced again in its child. */
    child = fork();
    if (child == 0) {
        int status = child_calls(expected_sum);
        if (status != 0) _exit(status);
        pid_t grandchild = fork();
        if (grandchild == 0) _exit(child_calls(expected_sum));
        int grandchild_status = 1;
        waitpid(grandchild, &grandchild_status, 0);
        _exit(WIFEXITED(grandchild_status) ? WEXITSTATUS(grandchild_status) : 9);
    }
    if (child > 0) expect_child_finishes(child, "fork of a forked child");

    /* The parent's pool still works after its children came and went. */
    CHECK(child_calls(expected_sum) == 0, "parent after fork");
}

/* A child forked right after its parent's first pooled call: pooled calls return, with the bits of one thread. */
static int racing_child(void) {
    float sum, one_thread_sum;
    if (focal_sigmoid_forward_f32(x, y, POOLED_N, &none, out) != FOCAL_OK) return 2;
    if (focal_sigmoid_forward_f32(x, y, POOLED_N, &sum_options, &sum) != FOCAL_OK) return 4;
    if (focal_set_num_threads(1) != FOCAL_OK) return 6;
    if (focal_sigmoid_forward_f32(x, y, POOLED_N, &none, expected) != FOCAL_OK) return 2;
    if (focal_sigmoid_forward_f32(x, y, POOLED_N, &sum_options, &one_thread_sum) != FOCAL_OK) return 4;
    if (memcmp(out, expected, sizeof out) != 0) return 3;
    return memcmp(&sum, &one_thread_sum, sizeof sum) != 0 ? 5 : 0;
}

/*
 * In a process without worker threads yet: its first pooled call, a busy pause of delay_us, then a fork whose child
 * must finish. Right after a process's first pooled call its worker blocks for the first time, and a fork then must
 * not leave the child a lock that no thread of its own holds. Returns the exit code.
 */
static int fork_race(long delay_us) {
    fill_inputs();
    if (focal_sigmoid_forward_f32(x, y, POOLED_N, &none, expected) != FOCAL_OK) return 1;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000L + (now.tv_nsec - start.tv_nsec) / 1000 < delay_us);
    pid_t child = fork();
    if (child == 0) _exit(racing_child());
    CHECK(child > 0, "fork failed");
    if (child > 0) expect_child_finishes(child, "fork right after the first pooled call");
    return failed == 0 ? 0 : 1;
}

/* Run before this process's first pooled call: each race runs in a child forked from it, which makes the pool. The
 * delays sweep the window after the first call. */
static void fork_races_the_first_pooled_call(void) {
    enum { MAX_DELAY_US = 400, STEP_US = 20 };
    for (long delay = 0; delay <= MAX_DELAY_US; delay += STEP_US) {
        pid_t process = fork();
        if (process == 0) _exit(fork_race(delay));
        int status = -1;
        if (process > 0) waitpid(process, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork %ld us after a process's first pooled call: status %d",
              delay, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

static void bounded_threads(void) {
    enum { LARGE_N = 1 << 22 }; /* 256 chunks of 16384: one worker each, were threads unbounded */
    float *large_x = calloc(LARGE_N, sizeof(float)), *large_y = calloc(LARGE_N, sizeof(float)), sum;
    long processors = sysconf(_SC_NPROCESSORS_ONLN);
    int before = thread_count();
    CHECK(focal_set_num_threads(INT32_MAX) == FOCAL_OK, "INT32_MAX threads: %s", last_error());
    CHECK(focal_sigmoid_forward_f32(large_x, large_y, LARGE_N, &sum_options, &sum) == FOCAL_OK,
          "large call: %s", last_error());
    int after = thread_count();
    CHECK(before > 0 && after - before <= processors, "%d threads before, %d after, %ld processors", before, after,
          processors);
    CHECK(focal_set_num_threads(0) == FOCAL_OK, "restore threads");
    free(large_x);
    free(large_y);
}

enum { EXIT_SKIPPED = 77 };

int main(void) {
    focal_options_init(&none);
    focal_options_init(&sum_options);
    sum_options.reduction = FOCAL_REDUCTION_SUM;
    if (focal_abi_version() < 0 && strstr(last_error(), "not a variant this CPU runs") != NULL) {
        printf("SKIPPED: %s\n", last_error());
        return EXIT_SKIPPED;
    }
    fork_races_the_first_pooled_call();
    fork_after_pool();
    bounded_threads();
    printf("process tests: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
