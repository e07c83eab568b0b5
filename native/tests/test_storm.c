/*
 * A thread storm against libfocalaot: 16 caller threads (FOCALAOT_STORM_THREADS) for 10 s (FOCALAOT_STORM_SECONDS)
 * run every operation on every element type, at sizes on both sides of the worker-pool threshold (131072 elements)
 * and of the 16384-element chunks, with weights, per-class alpha and every reduction, while two more threads keep
 * changing focal_set_num_threads and focal_set_max_isa. Every result is compared bit for bit with a reference
 * computed single-threaded before the storm. Now and then a caller makes a failing call with an argument no other
 * thread uses and checks that the message it reads back is its own. A watchdog reports a deadlock (no call finished
 * for 60 s, or the storm overran by 3 minutes) with what every caller was doing, and exits.
 * Prints the calls made, the setting changes and the mismatches; exits non-zero unless there were none.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal_aot.h"

enum { F32, F64, F16, BF16, TYPE_COUNT };
enum { FORWARD, BACKWARD, FORWARD_BACKWARD, OPERATION_COUNT };
static const char *const type_names[] = {"f32", "f64", "f16", "bf16"};
static const char *const operation_names[] = {"forward", "backward", "forward_backward"};
static const size_t type_sizes[] = {4, 8, 2, 2};

/* Around the 16384-element chunks and the 131072-element threshold of the worker pool. */
static const size_t sizes[] = {1, 255, 16385, 131071, 131072, 180231};
enum { SIZE_COUNT = sizeof sizes / sizeof sizes[0], MAX_N = 180231, CLASSES = 80 };

/* The option sets: gamma, alpha, reduction, normalizer, weights, class count (0: none), grad_out of backward. */
static const struct {
    double gamma, alpha;
    int32_t reduction;
    double normalizer;
    int weights;
    size_t classes;
    int grad_out; /* 0: NULL; 1: per element (NONE) or 0.5 (reduced) */
} option_sets[] = {
    {2.0, 0.25, FOCAL_REDUCTION_NONE, 1.0, 0, 0, 1},
    {0.7, 0.25, FOCAL_REDUCTION_NONE, 1.0, 1, 7, 0},
    {1.5, 0.25, FOCAL_REDUCTION_SUM, 1.0, 0, 3, 1},
    {0.0, -1.0, FOCAL_REDUCTION_MEAN, 1.0, 1, 0, 0},
    {5.0, 0.25, FOCAL_REDUCTION_WEIGHTED_MEAN, 1.0, 1, CLASSES, 1},
    {2.5, 0.6, FOCAL_REDUCTION_NORMALIZED, 3.5, 1, 0, 0},
};
enum { OPTION_SET_COUNT = sizeof option_sets / sizeof option_sets[0] };

/* Inputs per element type (MAX_N each) and the class alphas. */
static void *logits[TYPE_COUNT], *targets[TYPE_COUNT], *weights[TYPE_COUNT], *upstream[TYPE_COUNT];
static unsigned char half_upstream[TYPE_COUNT][8];
static double class_alpha[CLASSES];

typedef struct {
    int type, operation, option_set;
    size_t n;
    focal_options options;
    const void *grad_out;
    size_t loss_count, grad_count;
    void *expected_loss, *expected_grad;
} test_case;

enum { CASE_COUNT = TYPE_COUNT * OPERATION_COUNT * SIZE_COUNT * OPTION_SET_COUNT };
static test_case cases[CASE_COUNT];

/* --- element conversions ---------------------------------------------------------------------------------------- */

static uint16_t to_bf16(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

static uint16_t to_f16(float value) { /* rounded to nearest even */
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint32_t sign = (bits >> 16) & 0x8000u, magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);
    if (magnitude >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);
    if (magnitude < 0x38800000u) {
        float scaled;
        memcpy(&scaled, &magnitude, sizeof scaled);
        return (uint16_t)(sign | (uint32_t)lrintf(scaled * 16777216.0f));
    }
    uint32_t rebiased = magnitude - 0x38000000u;
    return (uint16_t)(sign | ((rebiased + 0xfffu + ((rebiased >> 13) & 1u)) >> 13));
}

static void store(int type, void *base, size_t i, double value) {
    unsigned char *p = (unsigned char *)base + i * type_sizes[type];
    if (type == F32) {
        float v = (float)value;
        memcpy(p, &v, 4);
    } else if (type == F64) {
        memcpy(p, &value, 8);
    } else {
        uint16_t v = type == F16 ? to_f16((float)value) : to_bf16((float)value);
        memcpy(p, &v, 2);
    }
}

/* --- calls ------------------------------------------------------------------------------------------------------- */

static focal_status run_case(const test_case *c, void *loss, void *grad) {
    const void *x = logits[c->type], *y = targets[c->type];
    const focal_options *o = &c->options;
    size_t n = c->n;
    switch (c->operation * TYPE_COUNT + c->type) {
    case FORWARD * TYPE_COUNT + F32: return focal_sigmoid_forward_f32(x, y, n, o, loss);
    case FORWARD * TYPE_COUNT + F64: return focal_sigmoid_forward_f64(x, y, n, o, loss);
    case FORWARD * TYPE_COUNT + F16: return focal_sigmoid_forward_f16(x, y, n, o, loss);
    case FORWARD * TYPE_COUNT + BF16: return focal_sigmoid_forward_bf16(x, y, n, o, loss);
    case BACKWARD * TYPE_COUNT + F32: return focal_sigmoid_backward_f32(x, y, n, o, c->grad_out, grad);
    case BACKWARD * TYPE_COUNT + F64: return focal_sigmoid_backward_f64(x, y, n, o, c->grad_out, grad);
    case BACKWARD * TYPE_COUNT + F16: return focal_sigmoid_backward_f16(x, y, n, o, c->grad_out, grad);
    case BACKWARD * TYPE_COUNT + BF16: return focal_sigmoid_backward_bf16(x, y, n, o, c->grad_out, grad);
    case FORWARD_BACKWARD * TYPE_COUNT + F32: return focal_sigmoid_forward_backward_f32(x, y, n, o, loss, grad);
    case FORWARD_BACKWARD * TYPE_COUNT + F64: return focal_sigmoid_forward_backward_f64(x, y, n, o, loss, grad);
    case FORWARD_BACKWARD * TYPE_COUNT + F16: return focal_sigmoid_forward_backward_f16(x, y, n, o, loss, grad);
    default: return focal_sigmoid_forward_backward_bf16(x, y, n, o, loss, grad);
    }
}

static uint64_t mix(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const char *last_error(char *buffer, size_t size) {
    buffer[0] = '\0';
    focal_last_error_message(buffer, size, NULL);
    return buffer;
}

static void prepare(void) {
    uint64_t state = 42;
    for (int type = 0; type < TYPE_COUNT; type++) {
        logits[type] = malloc(MAX_N * type_sizes[type]);
        targets[type] = malloc(MAX_N * type_sizes[type]);
        weights[type] = malloc(MAX_N * type_sizes[type]);
        upstream[type] = malloc(MAX_N * type_sizes[type]);
        store(type, half_upstream[type], 0, 0.5);
    }
    for (size_t i = 0; i < MAX_N; i++) {
        double u = (double)(mix(&state) >> 11) / 9007199254740992.0, x;
        switch (i % 9) {
        case 0: x = (u - 0.5) * 2e4; break;
        case 1: x = (u - 0.5) * 80; break;
        default: x = (u - 0.5) * 12; break;
        }
        if (i == 777) x = INFINITY;
        if (i == 16391) x = -INFINITY;
        if (i == 150001) x = NAN; /* a NaN sum in the largest size only, canonical on every path */
        double y = i % 3 == 0 ? (double)(mix(&state) % 2) : (double)(mix(&state) >> 11) / 9007199254740992.0;
        double w = i % 5 == 0 ? 0.0 : 2.0 * (double)(mix(&state) >> 11) / 9007199254740992.0;
        double g = ((double)(mix(&state) >> 11) / 9007199254740992.0 - 0.5) * 4;
        for (int type = 0; type < TYPE_COUNT; type++) {
            store(type, logits[type], i, x);
            store(type, targets[type], i, y);
            store(type, weights[type], i, w);
            store(type, upstream[type], i, g);
        }
    }
    for (int c = 0; c < CLASSES; c++) class_alpha[c] = (double)c / (CLASSES - 1);
}

/* The reference: every case, one thread, before the storm. */
static int compute_references(void) {
    focal_set_num_threads(1);
    int index = 0;
    for (int type = 0; type < TYPE_COUNT; type++)
        for (int operation = 0; operation < OPERATION_COUNT; operation++)
            for (int s = 0; s < SIZE_COUNT; s++)
                for (int set = 0; set < OPTION_SET_COUNT; set++) {
                    test_case *c = &cases[index++];
                    c->type = type;
                    c->operation = operation;
                    c->option_set = set;
                    c->n = sizes[s];
                    focal_options_init(&c->options);
                    c->options.gamma = option_sets[set].gamma;
                    c->options.alpha = option_sets[set].alpha;
                    c->options.reduction = option_sets[set].reduction;
                    c->options.normalizer = option_sets[set].normalizer;
                    c->options.weights = option_sets[set].weights ? weights[type] : NULL;
                    c->options.class_alpha = option_sets[set].classes ? class_alpha : NULL;
                    c->options.num_classes = option_sets[set].classes;
                    int reduced = option_sets[set].reduction != FOCAL_REDUCTION_NONE;
                    c->grad_out = !option_sets[set].grad_out ? NULL : reduced ? (const void *)half_upstream[type]
                                                                              : upstream[type];
                    c->loss_count = operation == BACKWARD ? 0 : reduced ? 1 : c->n;
                    c->grad_count = operation == FORWARD ? 0 : c->n;
                    c->expected_loss = calloc(c->loss_count + 1, type_sizes[type]);
                    c->expected_grad = calloc(c->grad_count + 1, type_sizes[type]);
                    if (run_case(c, c->expected_loss, c->expected_grad) != FOCAL_OK) {
                        char text[512];
                        printf("FAIL reference %s_%s n %zu set %d: %s\n", operation_names[operation],
                               type_names[type], c->n, set, last_error(text, sizeof text));
                        return 0;
                    }
                }
    focal_set_num_threads(0);
    return 1;
}

/* --- the storm -------------------------------------------------------------------------------------------------- */

static double deadline;
static atomic_int stop;
static atomic_ullong calls, checked, error_calls, setting_changes, mismatches, message_failures, status_failures;

typedef struct {
    int id;
    pthread_t thread;
    atomic_int current_case; /* -1: between calls, -2: an error call */
    _Atomic double since;
} caller;

static caller *callers;
static int caller_count;

static void report_mismatch(const test_case *c, const void *expected, const void *actual, size_t count,
                            const char *what, int id) {
    size_t es = type_sizes[c->type], i = 0;
    while (i < count && memcmp((const char *)expected + i * es, (const char *)actual + i * es, es) == 0) i++;
    uint64_t a = 0, b = 0;
    memcpy(&a, (const char *)expected + i * es, es);
    memcpy(&b, (const char *)actual + i * es, es);
    printf("MISMATCH caller %d: %s_%s n %zu option set %d, %s element %zu: 0x%llx, reference 0x%llx\n", id,
           operation_names[c->operation], type_names[c->type], c->n, c->option_set, what, i, (unsigned long long)b,
           (unsigned long long)a);
}

/* A failing call whose argument no other thread uses; the message read back must be this thread's. */
static void error_call(caller *self, uint64_t round) {
    char expected[96], text[1024];
    if (round % 2 == 0) {
        int32_t threads = -(int32_t)(self->id * 100000 + (int)(round % 99991) + 1);
        focal_status status = focal_set_num_threads(threads);
        snprintf(expected, sizeof expected, "threads = %d must", threads);
        if (status != FOCAL_ERROR_INVALID_ARGUMENT) atomic_fetch_add(&status_failures, 1);
    } else {
        float x[64] = {0}, y[64] = {0}, out[64];
        int index = (int)(round % 64);
        y[index] = (float)(self->id + 2); /* an integer > 1: invalid, and this thread's own */
        focal_status status = focal_sigmoid_forward_f32(x, y, 64, NULL, out);
        snprintf(expected, sizeof expected, "targets[%d] = %d ", index, self->id + 2);
        if (status != FOCAL_ERROR_INVALID_ARGUMENT) atomic_fetch_add(&status_failures, 1);
    }
    if (strstr(last_error(text, sizeof text), expected) == NULL) {
        atomic_fetch_add(&message_failures, 1);
        printf("MESSAGE caller %d: '%s' lacks '%s'\n", self->id, text, expected);
    }
    atomic_fetch_add(&error_calls, 1);
}

static void *caller_main(void *argument) {
    caller *self = argument;
    uint64_t state = 0x1234u + (uint64_t)self->id * 7919u;
    size_t largest = 0;
    for (int i = 0; i < SIZE_COUNT; i++) largest = sizes[i] > largest ? sizes[i] : largest;
    unsigned char *loss = malloc(largest * 8 + 8), *grad = malloc(largest * 8 + 8);
    for (uint64_t round = 0; !atomic_load(&stop); round++) {
        if (now() >= deadline) break;
        if (round % 16 == 15) {
            atomic_store(&self->current_case, -2);
            atomic_store(&self->since, now());
            error_call(self, round / 16);
            atomic_store(&self->current_case, -1);
            atomic_fetch_add(&calls, 1);
            continue;
        }
        int index = (int)(mix(&state) % CASE_COUNT);
        const test_case *c = &cases[index];
        size_t es = type_sizes[c->type];
        memset(loss, 0xEE, (c->loss_count + 1) * es);
        memset(grad, 0xEE, (c->grad_count + 1) * es);
        atomic_store(&self->since, now());
        atomic_store(&self->current_case, index);
        focal_status status = run_case(c, loss, grad);
        atomic_store(&self->current_case, -1);
        atomic_fetch_add(&calls, 1);
        if (status != FOCAL_OK) {
            char text[512];
            atomic_fetch_add(&status_failures, 1);
            printf("STATUS caller %d: %s_%s n %zu: %d (%s)\n", self->id, operation_names[c->operation],
                   type_names[c->type], c->n, status, last_error(text, sizeof text));
            continue;
        }
        int same = 1;
        if (memcmp(loss, c->expected_loss, c->loss_count * es) != 0) {
            same = 0;
            report_mismatch(c, c->expected_loss, loss, c->loss_count, "loss", self->id);
        }
        if (memcmp(grad, c->expected_grad, c->grad_count * es) != 0) {
            same = 0;
            report_mismatch(c, c->expected_grad, grad, c->grad_count, "gradient", self->id);
        }
        if (!same) atomic_fetch_add(&mismatches, 1);
        atomic_fetch_add(&checked, 1);
    }
    free(loss);
    free(grad);
    return NULL;
}

static int detected_isa;

static void pause_briefly(uint64_t *state) {
    struct timespec pause = {0, (long)(50000 + mix(state) % 950000)}; /* 0.05 .. 1 ms */
    nanosleep(&pause, NULL);
}

static void *thread_setter(void *argument) {
    (void)argument;
    static const int32_t choices[] = {0, 1, 2, 3, 4, 8, 64, INT32_MAX};
    uint64_t state = 99;
    while (!atomic_load(&stop) && now() < deadline) {
        if (focal_set_num_threads(choices[mix(&state) % (sizeof choices / sizeof choices[0])]) != FOCAL_OK)
            atomic_fetch_add(&status_failures, 1);
        atomic_fetch_add(&setting_changes, 1);
        pause_briefly(&state);
    }
    return NULL;
}

static void *isa_setter(void *argument) {
    (void)argument;
    uint64_t state = 77;
    while (!atomic_load(&stop) && now() < deadline) {
        if (focal_set_max_isa((int32_t)(mix(&state) % (uint64_t)(detected_isa + 1))) != FOCAL_OK)
            atomic_fetch_add(&status_failures, 1);
        atomic_fetch_add(&setting_changes, 1);
        pause_briefly(&state);
    }
    return NULL;
}

enum { STALL_SECONDS = 60, OVERRUN_SECONDS = 180 };

/* Exits the process when no call finished for STALL_SECONDS, or the storm overran. */
static void *watchdog(void *argument) {
    (void)argument;
    unsigned long long last = atomic_load(&calls);
    double last_progress = now();
    while (!atomic_load(&stop)) {
        struct timespec second = {1, 0};
        nanosleep(&second, NULL);
        unsigned long long current = atomic_load(&calls);
        double t = now();
        if (current != last) last = current, last_progress = t;
        if (t - last_progress < STALL_SECONDS && t < deadline + OVERRUN_SECONDS) continue;
        printf("DEADLOCK: no call finished for %.0f s (%llu calls so far); callers:\n", t - last_progress, current);
        for (int i = 0; i < caller_count; i++) {
            int index = atomic_load(&callers[i].current_case);
            double since = t - atomic_load(&callers[i].since);
            if (index >= 0)
                printf("  caller %d: %s_%s n %zu option set %d, in the call for %.0f s\n", i,
                       operation_names[cases[index].operation], type_names[cases[index].type], cases[index].n,
                       cases[index].option_set, since);
            else
                printf("  caller %d: %s\n", i, index == -2 ? "in an error call" : "between calls");
        }
        fflush(stdout);
        _exit(2);
    }
    return NULL;
}

static double environment_number(const char *name, double fallback) {
    const char *text = getenv(name);
    return text != NULL && atof(text) > 0 ? atof(text) : fallback;
}

int main(void) {
    char text[1024];
    if (focal_abi_version() < 0 && strstr(last_error(text, sizeof text), "not a variant this CPU runs") != NULL) {
        printf("SKIPPED: %s\n", text);
        return 77;
    }
    detected_isa = focal_get_isa();
    double seconds = environment_number("FOCALAOT_STORM_SECONDS", 10);
    caller_count = (int)environment_number("FOCALAOT_STORM_THREADS", 16);
    prepare();
    if (!compute_references()) return 1;

    callers = calloc((size_t)caller_count, sizeof *callers);
    pthread_t threads_thread, isa_thread, watchdog_thread;
    double start = now();
    deadline = start + seconds;
    pthread_create(&watchdog_thread, NULL, watchdog, NULL);
    for (int i = 0; i < caller_count; i++) {
        callers[i].id = i;
        atomic_store(&callers[i].current_case, -1);
        atomic_store(&callers[i].since, start);
        pthread_create(&callers[i].thread, NULL, caller_main, &callers[i]);
    }
    pthread_create(&threads_thread, NULL, thread_setter, NULL);
    pthread_create(&isa_thread, NULL, isa_setter, NULL);
    for (int i = 0; i < caller_count; i++) pthread_join(callers[i].thread, NULL);
    pthread_join(threads_thread, NULL);
    pthread_join(isa_thread, NULL);
    atomic_store(&stop, 1);
    pthread_join(watchdog_thread, NULL);
    double elapsed = now() - start;
    focal_set_max_isa(detected_isa);
    focal_set_num_threads(0);

    unsigned long long bad = atomic_load(&mismatches) + atomic_load(&message_failures) + atomic_load(&status_failures);
    printf("storm: %d callers + 2 setters, %.1f s, %d cases: %llu calls (%llu results compared bit for bit, %llu error "
           "calls), %llu setting changes, %llu mismatches, %llu wrong messages, %llu wrong statuses\n",
           caller_count, elapsed, CASE_COUNT, atomic_load(&calls), atomic_load(&checked), atomic_load(&error_calls),
           atomic_load(&setting_changes), atomic_load(&mismatches), atomic_load(&message_failures),
           atomic_load(&status_failures));
    for (int i = 0; i < CASE_COUNT; i++) {
        free(cases[i].expected_loss);
        free(cases[i].expected_grad);
    }
    for (int type = 0; type < TYPE_COUNT; type++) {
        free(logits[type]);
        free(targets[type]);
        free(weights[type]);
        free(upstream[type]);
    }
    free(callers);
    return bad == 0 ? 0 : 1;
}
