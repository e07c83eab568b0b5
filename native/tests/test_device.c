/*
 * Tests of libfocalaot's OpenCL entries through the C ABI, on the machine's first OpenCL device (PoCL's CPU device in
 * CI): the device list; every operation, element type and reduction of the host-memory entries bit for bit against the
 * CPU entries (per element and reduced; weights, class alphas, soft targets, +-inf, NaN, |x| up to 1e4, n over two
 * chunks of 16384 and a tail); the focal_cl_* calls on a queue and cl_mem buffers made here with the OpenCL API (element
 * offsets, in place, events, a queue held back by a user event); and the error paths. Prints one line per failed check
 * and a summary; exits non-zero if any check failed.
 */
#define _POSIX_C_SOURCE 200809L
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "focal_aot.h"
#include "device_entries.h"
#include "check.h"

static const char *last_error(void) {
    static char buffer[4096];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

static void expect_error(int status, int expected, const char *fragment, const char *what) {
    CHECK(status == expected, "%s: status %d, expected %d (%s)", what, status, expected, last_error());
    CHECK(strstr(last_error(), fragment) != NULL, "%s: message '%s' lacks '%s'", what, last_error(), fragment);
    /* Every message is a C one: one line, without .NET's "(Parameter 'x')" or "Actual value was". */
    CHECK(strchr(last_error(), '\n') == NULL && strstr(last_error(), "(Parameter") == NULL
              && strstr(last_error(), "Actual value") == NULL, "%s: not a one-line C message: '%s'", what, last_error());
}

/* A fixed-seed generator (splitmix64), so every run checks the same inputs. */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static double uniform(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* ---- Element types (device_entries.h): comparing their data ------------------------------------------------------ */

/* Elements whose bits differ (the index of the first in *first). */
static size_t differing(const element_type *type, const void *a, const void *b, size_t n, size_t *first) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (memcmp((const char *)a + i * type->size, (const char *)b + i * type->size, type->size) != 0) {
            if (count++ == 0 && first != NULL) *first = i;
        }
    }
    return count;
}

/* ---- Inputs -------------------------------------------------------------------------------------------------------- */

/* Two chunks of 16384 and a tail. */
enum { N = 2 * 16384 + 1000, CLASSES = 7 };
static double in_x[N], in_y[N], in_w[N], in_up[N];
static const double class_alpha[CLASSES] = {0.1, 0.25, 0.5, 0.75, 0.9, 0.0, 1.0};

/* special: +-inf and NaN logits among the finite ones. Targets: hard and soft; weights: some exactly 0. */
static void make_inputs(int special) {
    for (size_t i = 0; i < N; i++) {
        switch (i % 7) {
        case 0: in_x[i] = (uniform() - 0.5) * 2e4; break; /* |x| up to 1e4 */
        case 1: in_x[i] = (uniform() - 0.5) * 80.0; break; /* saturating */
        default: in_x[i] = (uniform() - 0.5) * 12.0; break;
        }
        if (special && i % 101 == 3) in_x[i] = INFINITY;
        if (special && i % 101 == 50) in_x[i] = -INFINITY;
        if (special && i % 211 == 7) in_x[i] = NAN;
        in_y[i] = i % 3 == 0 ? uniform() : (double)(uniform() < 0.3);
        in_w[i] = i % 13 == 0 ? 0.0 : uniform() * 2.0;
        in_up[i] = (uniform() - 0.3) * 3.0;
    }
}

/* The inputs in one element type. */
typedef struct {
    const element_type *type;
    void *x, *y, *w, *up;
} typed_inputs;

static typed_inputs typed(const element_type *type) {
    typed_inputs t = {type, malloc(N * type->size), malloc(N * type->size), malloc(N * type->size), malloc(N * type->size)};
    for (size_t i = 0; i < N; i++) {
        store(type, t.x, i, in_x[i]);
        store(type, t.y, i, in_y[i]);
        store(type, t.w, i, in_w[i]);
        store(type, t.up, i, in_up[i]);
    }
    return t;
}

static void free_typed(typed_inputs *t) {
    free(t->x);
    free(t->y);
    free(t->w);
    free(t->up);
}

/* The option sets: specialized gamma with weights and class alphas; the generic gamma with weights; no weights. */
typedef struct {
    const char *name;
    double gamma, alpha;
    int weights, classes;
} config;

static const config configs[] = {
    {"gamma 2, weights, class alphas", 2.0, 0.25, 1, 1},
    {"gamma 0.7 (generic), weights", 0.7, 0.25, 1, 0},
    {"gamma 5, alpha off, no weights", 5.0, -1.0, 0, 0},
};

static focal_options make_options(const config *c, const typed_inputs *t, int32_t reduction) {
    focal_options options;
    focal_options_init(&options);
    options.gamma = c->gamma;
    options.alpha = c->alpha;
    options.reduction = reduction;
    options.normalizer = 37.5;
    if (c->classes) {
        options.class_alpha = class_alpha;
        options.num_classes = CLASSES;
    }
    if (c->weights) options.weights = t->w;
    return options;
}

static const char *const reduction_names[] = {"none", "sum", "mean", "normalized", "weighted_mean"};

/* ---- The device list ------------------------------------------------------------------------------------------------ */

static int device_listing(void) {
    int count = focal_device_count();
    char reason[1024] = "?";
    size_t needed = 0;
    focal_device_unavailable_reason(reason, sizeof reason, &needed);
    CHECK(count >= 1, "no OpenCL device: %s (install pocl-opencl-icd)", reason);
    if (count < 1) return 0;
    CHECK(needed == 1 && reason[0] == '\0', "the reason with devices must be empty: '%s'", reason);
    CHECK(focal_device_count() == count, "the count changed");

    for (int device = 0; device < count; device++) {
        focal_device_info info;
        memset(&info, 0x55, sizeof info);
        info.struct_size = sizeof info;
        int status = focal_device_get_info(device, &info);
        CHECK(status == FOCAL_OK, "focal_device_get_info(%d): %d (%s)", device, status, last_error());
        CHECK(info.name[0] != '\0' && memchr(info.name, '\0', sizeof info.name) != NULL, "device %d: empty or unterminated name",
              device);
        CHECK(memchr(info.vendor, '\0', sizeof info.vendor) != NULL && memchr(info.version, '\0', sizeof info.version) != NULL,
              "device %d: unterminated vendor or version", device);
        CHECK(strncmp(info.version, "OpenCL ", 7) == 0, "device %d: version '%s'", device, info.version);
        CHECK(info.fp64 == 0 || info.fp64 == 1, "device %d: fp64 = %d", device, info.fp64);
        printf("device %d: %s | %s | %s | fp64 %d\n", device, info.name, info.vendor, info.version, info.fp64);
    }

    focal_device_info info;
    info.struct_size = sizeof info;
    CHECK(focal_device_get_info(0, &info) == FOCAL_OK && info.fp64 == 1, "PoCL's CPU device reports fp64");
    expect_error(focal_device_get_info(count, &info), FOCAL_ERROR_INVALID_ARGUMENT, "device", "get_info past the last device");
    expect_error(focal_device_get_info(-1, &info), FOCAL_ERROR_INVALID_ARGUMENT, "focal_device_count()", "get_info(-1)");
    expect_error(focal_device_get_info(0, NULL), FOCAL_ERROR_NULL_POINTER, "info", "get_info(NULL)");
    info.struct_size = sizeof info - 1;
    expect_error(focal_device_get_info(0, &info), FOCAL_ERROR_INVALID_ARGUMENT, "struct_size", "a short focal_device_info");
    return count;
}

/* ---- The host-memory entries against the CPU entries ---------------------------------------------------------------- */

/* One operation with one option set and reduction: device and CPU results must be the same bits. */
static void compare_host(const typed_inputs *t, const config *c, int32_t reduction, const char *label) {
    const element_type *type = t->type;
    focal_options options = make_options(c, t, reduction);
    size_t size = N * type->size, first = 0, outputs = reduction == FOCAL_REDUCTION_NONE ? N : 1;
    char *cpu_out = malloc(size), *dev_out = malloc(size), *cpu_grad = malloc(size), *dev_grad = malloc(size);
    memset(dev_out, 0xA5, size);
    memset(dev_grad, 0xA5, size);

    /* forward */
    int cpu = type->forward(-1, t->x, t->y, N, &options, cpu_out), dev = type->forward(0, t->x, t->y, N, &options, dev_out);
    CHECK(cpu == FOCAL_OK && dev == FOCAL_OK, "%s %s forward %s: cpu %d device %d (%s)", label, type->name,
          reduction_names[reduction], cpu, dev, last_error());
    size_t count = differing(type, cpu_out, dev_out, outputs, &first);
    CHECK(count == 0, "%s %s forward %s: %zu of %zu values differ, first [%zu] cpu %.9g device %.9g", label, type->name,
          reduction_names[reduction], count, outputs, first, load(type, cpu_out, first), load(type, dev_out, first));

    /* backward: with the upstream gradient given, and with NULL (1) */
    char scalar[8];
    store(type, scalar, 0, 0.75);
    const void *upstream = reduction == FOCAL_REDUCTION_NONE ? t->up : (const void *)scalar;
    for (int with_upstream = 1; with_upstream >= 0; with_upstream--) {
        const void *grad_out = with_upstream ? upstream : NULL;
        cpu = type->backward(-1, t->x, t->y, N, &options, grad_out, cpu_grad);
        dev = type->backward(0, t->x, t->y, N, &options, grad_out, dev_grad);
        CHECK(cpu == FOCAL_OK && dev == FOCAL_OK, "%s %s backward %s: cpu %d device %d (%s)", label, type->name,
              reduction_names[reduction], cpu, dev, last_error());
        count = differing(type, cpu_grad, dev_grad, N, &first);
        CHECK(count == 0, "%s %s backward %s (grad_out %s): %zu of %d gradients differ, first [%zu] cpu %.9g device %.9g",
              label, type->name, reduction_names[reduction], with_upstream ? "given" : "NULL", count, N, first,
              load(type, cpu_grad, first), load(type, dev_grad, first));
    }

    /* forward_backward */
    memset(dev_out, 0xA5, size);
    memset(dev_grad, 0xA5, size);
    cpu = type->fused(-1, t->x, t->y, N, &options, cpu_out, cpu_grad);
    dev = type->fused(0, t->x, t->y, N, &options, dev_out, dev_grad);
    CHECK(cpu == FOCAL_OK && dev == FOCAL_OK, "%s %s forward_backward %s: cpu %d device %d (%s)", label, type->name,
          reduction_names[reduction], cpu, dev, last_error());
    count = differing(type, cpu_out, dev_out, outputs, &first) + differing(type, cpu_grad, dev_grad, N, &first);
    CHECK(count == 0, "%s %s forward_backward %s: %zu values differ", label, type->name, reduction_names[reduction], count);

    free(cpu_out);
    free(dev_out);
    free(cpu_grad);
    free(dev_grad);
}

static void host_entries_match_cpu(void) {
    for (int special = 0; special <= 1; special++) {
        make_inputs(special);
        for (int k = 0; k < TYPE_COUNT; k++) {
            typed_inputs t = typed(&types[k]);
            for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
                char label[128];
                snprintf(label, sizeof label, "[%s%s]", configs[c].name, special ? ", +-inf and NaN" : "");
                for (int32_t reduction = FOCAL_REDUCTION_NONE; reduction <= FOCAL_REDUCTION_WEIGHTED_MEAN; reduction++)
                    compare_host(&t, &configs[c], reduction, label);
            }
            free_typed(&t);
        }
    }

    /* n = 0: NULL data; the reduced results of nothing. */
    float sum = -1, mean = 0;
    focal_options options;
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_SUM;
    CHECK(focal_device_sigmoid_forward_f32(0, NULL, NULL, 0, &options, &sum) == FOCAL_OK && sum == 0, "device sum of nothing: %g (%s)",
          sum, last_error());
    options.reduction = FOCAL_REDUCTION_MEAN;
    CHECK(focal_device_sigmoid_forward_f32(0, NULL, NULL, 0, &options, &mean) == FOCAL_OK && isnan(mean),
          "device mean of nothing: %g (%s)", mean, last_error());
    CHECK(focal_device_sigmoid_backward_f64(0, NULL, NULL, 0, NULL, NULL, NULL) == FOCAL_OK, "device backward of nothing: %s",
          last_error());
}

/* In place over the logits, as on the CPU. */
static void host_in_place(void) {
    make_inputs(0);
    float x[1000], y[1000], expected[1000];
    for (int i = 0; i < 1000; i++) {
        x[i] = (float)in_x[i];
        y[i] = (float)in_y[i];
    }
    CHECK(focal_sigmoid_forward_f32(x, y, 1000, NULL, expected) == FOCAL_OK, "cpu: %s", last_error());
    CHECK(focal_device_sigmoid_forward_f32(0, x, y, 1000, NULL, x) == FOCAL_OK, "device in place: %s", last_error());
    CHECK(memcmp(x, expected, sizeof x) == 0, "device in place over logits differs from the CPU");
}

static void host_errors(int count) {
    float x[4] = {0.1f, -2, 3, 0}, y[4] = {0, 1, 0.5f, 1}, out[4], grad[4];
    char fragment[64];
    snprintf(fragment, sizeof fragment, "focal_device_count() is %d", count);
    expect_error(focal_device_sigmoid_forward_f32(count, x, y, 4, NULL, out), FOCAL_ERROR_INVALID_ARGUMENT, fragment,
                 "device = count");
    expect_error(focal_device_sigmoid_backward_f64(-1, NULL, NULL, 0, NULL, NULL, NULL), FOCAL_ERROR_INVALID_ARGUMENT, "device = -1",
                 "device = -1");
    expect_error(focal_device_sigmoid_forward_f32(0, NULL, y, 4, NULL, out), FOCAL_ERROR_NULL_POINTER, "logits", "null logits");
    expect_error(focal_device_sigmoid_forward_backward_bf16(0, (uint16_t *)x, NULL, 4, NULL, (uint16_t *)out, (uint16_t *)grad),
                 FOCAL_ERROR_NULL_POINTER, "targets", "null targets");
    expect_error(focal_device_sigmoid_backward_f32(0, x, y, 4, NULL, NULL, NULL), FOCAL_ERROR_NULL_POINTER, "grad_logits",
                 "null grad_logits");
    focal_options options;
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_MEAN;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, NULL), FOCAL_ERROR_NULL_POINTER, "out", "null reduced out");
    options.reduction = 9;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT, "reduction",
                 "bad reduction");
    options.reduction = FOCAL_REDUCTION_NONE;
    options.gamma = -1;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT, "options->gamma must be",
                 "gamma < 0");
    options.gamma = 2;
    options.struct_size = 8;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT, "struct_size",
                 "a short focal_options");

    float bad_y[4] = {0, 1, 1.5f, 0};
    expect_error(focal_device_sigmoid_forward_backward_f32(0, x, bad_y, 4, NULL, out, grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "targets[2]", "target 1.5");
    bad_y[2] = NAN;
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_SUM;
    expect_error(focal_device_sigmoid_forward_f32(0, x, bad_y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT, "targets[2]",
                 "target NaN, reduced");
    float weights[4] = {1, 1, 1, -1};
    options.weights = weights;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT,
                 "options->weights[3] = -1 is invalid", "negative weight");

    /* The CPU entries' overlap rules. */
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 3, NULL, x + 1), FOCAL_ERROR_INVALID_ARGUMENT,
                 "out must not partially overlap logits", "partial overlap");
    expect_error(focal_device_sigmoid_forward_backward_f32(0, x, y, 4, NULL, out, out), FOCAL_ERROR_INVALID_ARGUMENT,
                 "grad_logits must not overlap loss", "loss over grad_logits");
    options.reduction = FOCAL_REDUCTION_SUM;
    expect_error(focal_device_sigmoid_forward_backward_f32(0, x, y, 4, &options, &grad[1], grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "loss must not point into grad_logits", "a reduced loss inside grad_logits");
    focal_options_init(&options);
    options.weights = weights;
    weights[3] = 1;
    expect_error(focal_device_sigmoid_forward_f32(0, x, y, 4, &options, weights), FOCAL_ERROR_INVALID_ARGUMENT,
                 "out must not overlap options->weights", "out over the weights");
}

/* Threads on one device at once: each result bit for bit the single-threaded one. */
enum { THREADS = 4, THREAD_N = 5000, THREAD_ROUNDS = 8 };
static float thread_x[THREAD_N], thread_y[THREAD_N], thread_expected[THREAD_N];

static void *thread_calls(void *argument) {
    float out[THREAD_N];
    intptr_t mismatches = 0;
    (void)argument;
    for (int round = 0; round < THREAD_ROUNDS; round++) {
        if (focal_device_sigmoid_forward_f32(0, thread_x, thread_y, THREAD_N, NULL, out) != FOCAL_OK
            || memcmp(out, thread_expected, sizeof out) != 0)
            mismatches++;
    }
    return (void *)mismatches;
}

static void concurrent_calls(void) {
    make_inputs(0);
    for (int i = 0; i < THREAD_N; i++) {
        thread_x[i] = (float)in_x[i];
        thread_y[i] = (float)in_y[i];
    }
    focal_sigmoid_forward_f32(thread_x, thread_y, THREAD_N, NULL, thread_expected);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, thread_calls, NULL);
    intptr_t mismatches = 0;
    for (int i = 0; i < THREADS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        mismatches += (intptr_t)result;
    }
    CHECK(mismatches == 0, "%ld of %d concurrent device calls failed or differed", (long)mismatches, THREADS * THREAD_ROUNDS);
}

/* ---- focal_cl_*: the caller's queue and cl_mem buffers ---------------------------------------------------------------- */

static cl_context cl_ctx;
static cl_command_queue cl_queue;
static cl_device_id cl_dev;

/* A name as the library gives it: without surrounding white space. */
static char *trimmed(char *text) {
    while (*text == ' ' || *text == '\t') text++;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t' || text[length - 1] == '\n')) text[--length] = '\0';
    return text;
}

/* The OpenCL device that is focal device 0 (the first device of the first platform that has one). */
static int open_queue(void) {
    cl_platform_id platforms[16];
    cl_uint platform_count = 0;
    if (clGetPlatformIDs(16, platforms, &platform_count) != CL_SUCCESS) return 0;
    for (cl_uint p = 0; p < platform_count && platform_count <= 16; p++) {
        cl_uint count = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 1, &cl_dev, &count) == CL_SUCCESS && count > 0) break;
        cl_dev = NULL;
    }
    if (cl_dev == NULL) return 0;
    cl_int status;
    cl_ctx = clCreateContext(NULL, 1, &cl_dev, NULL, NULL, &status);
    if (status != CL_SUCCESS) return 0;
    cl_queue = clCreateCommandQueue(cl_ctx, cl_dev, 0, &status);
    return status == CL_SUCCESS;
}

static cl_mem device_buffer(size_t bytes) {
    cl_int status;
    cl_mem memory = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &status);
    CHECK(status == CL_SUCCESS, "clCreateBuffer(%zu): %d", bytes, status);
    return memory;
}

/* A buffer of offset + n elements holding data at elements [offset, offset + n) (and junk before). */
static cl_mem upload(const element_type *type, const void *data, size_t offset) {
    cl_mem memory = device_buffer((offset + N) * type->size);
    char junk[16 * sizeof(double)];
    memset(junk, 0x7F, sizeof junk);
    if (offset > 0) clEnqueueWriteBuffer(cl_queue, memory, CL_TRUE, 0, offset * type->size, junk, 0, NULL, NULL);
    clEnqueueWriteBuffer(cl_queue, memory, CL_TRUE, offset * type->size, N * type->size, data, 0, NULL, NULL);
    return memory;
}

static void download(const element_type *type, cl_mem memory, size_t offset, void *data) {
    cl_int status = clEnqueueReadBuffer(cl_queue, memory, CL_TRUE, offset * type->size, N * type->size, data, 0, NULL, NULL);
    CHECK(status == CL_SUCCESS, "clEnqueueReadBuffer: %d", status);
}

/* Waits for and releases a call's event. */
static void finish_event(void *event, const char *what) {
    CHECK(event != NULL, "%s: no event", what);
    if (event == NULL) return;
    cl_int status = clWaitForEvents(1, (cl_event *)&event), state = 0;
    clGetEventInfo((cl_event)event, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state, &state, NULL);
    CHECK(status == CL_SUCCESS && state == CL_COMPLETE, "%s: the event did not complete (%d, %d)", what, status, state);
    clReleaseEvent((cl_event)event);
}

enum { OFF_X = 5, OFF_Y = 3, OFF_W = 7, OFF_OUT = 11, OFF_GRAD = 2, OFF_UP = 13 };

static void compare_cl(const typed_inputs *t, int32_t reduction) {
    const element_type *type = t->type;
    const char *rname = reduction_names[reduction];
    focal_options host = make_options(&configs[0], t, reduction), options = host;
    options.weights = NULL; /* on focal_cl calls the weights come as a buffer */
    size_t size = N * type->size, first = 0;
    char *expected = malloc(size), *expected_grad = malloc(size), *actual = malloc(size);
    char cpu_reduced[8] = {0}, dev_reduced[8] = {0}, scalar[8];
    store(type, scalar, 0, 0.75);
    cl_mem x = upload(type, t->x, OFF_X), y = upload(type, t->y, OFF_Y), w = upload(type, t->w, OFF_W);
    cl_mem up = upload(type, t->up, OFF_UP), out = device_buffer((OFF_OUT + N) * type->size);
    cl_mem grad = device_buffer((OFF_GRAD + N) * type->size);
    focal_cl_buffer bx = {x, OFF_X}, by = {y, OFF_Y}, bw = {w, OFF_W}, bout = {out, OFF_OUT}, bgrad = {grad, OFF_GRAD};
    focal_cl_buffer bup = {up, OFF_UP}, none = {NULL, 0};
    int reduced = reduction != FOCAL_REDUCTION_NONE;
    void *event = NULL;

    /* forward */
    CHECK(type->forward(-1, t->x, t->y, N, &host, reduced ? cpu_reduced : expected) == FOCAL_OK, "cpu: %s", last_error());
    int status = focal_cl_sigmoid_forward(cl_queue, type->dtype, N, bx, by, bw, &options, bout, dev_reduced, &event);
    CHECK(status == FOCAL_OK, "cl %s forward %s: %d (%s)", type->name, rname, status, last_error());
    finish_event(event, "forward");
    if (reduced) {
        CHECK(memcmp(cpu_reduced, dev_reduced, type->size) == 0, "cl %s forward %s: cpu %.17g device %.17g", type->name, rname,
              load(type, cpu_reduced, 0), load(type, dev_reduced, 0));
    } else {
        download(type, out, OFF_OUT, actual);
        size_t count = differing(type, expected, actual, N, &first);
        CHECK(count == 0, "cl %s forward none: %zu values differ, first [%zu]", type->name, count, first);
    }

    /* backward: the upstream given (a buffer, or a scalar for a reduced loss), then NULL (1) */
    for (int with_upstream = 1; with_upstream >= 0; with_upstream--) {
        const void *host_up = with_upstream ? (reduced ? (const void *)scalar : t->up) : NULL;
        CHECK(type->backward(-1, t->x, t->y, N, &host, host_up, expected_grad) == FOCAL_OK, "cpu: %s", last_error());
        status = focal_cl_sigmoid_backward(cl_queue, type->dtype, N, bx, by, bw, &options, with_upstream && !reduced ? bup : none,
                                           with_upstream && reduced ? scalar : NULL, bgrad, with_upstream ? &event : NULL);
        CHECK(status == FOCAL_OK, "cl %s backward %s: %d (%s)", type->name, rname, status, last_error());
        if (with_upstream) finish_event(event, "backward");
        download(type, grad, OFF_GRAD, actual); /* in order after the call: the read waits for it */
        size_t count = differing(type, expected_grad, actual, N, &first);
        CHECK(count == 0, "cl %s backward %s (grad_out %s): %zu gradients differ, first [%zu]", type->name, rname,
              with_upstream ? "given" : "NULL", count, first);
    }

    /* forward_backward */
    CHECK(type->fused(-1, t->x, t->y, N, &host, reduced ? cpu_reduced : expected, expected_grad) == FOCAL_OK, "cpu: %s",
          last_error());
    memset(dev_reduced, 0, sizeof dev_reduced);
    status = focal_cl_sigmoid_forward_backward(cl_queue, type->dtype, N, bx, by, bw, &options, bout, dev_reduced, bgrad, &event);
    CHECK(status == FOCAL_OK, "cl %s forward_backward %s: %d (%s)", type->name, rname, status, last_error());
    finish_event(event, "forward_backward");
    download(type, grad, OFF_GRAD, actual);
    size_t count = differing(type, expected_grad, actual, N, &first);
    if (reduced) {
        count += memcmp(cpu_reduced, dev_reduced, type->size) != 0;
    } else {
        download(type, out, OFF_OUT, actual);
        count += differing(type, expected, actual, N, &first);
    }
    CHECK(count == 0, "cl %s forward_backward %s: %zu values differ", type->name, rname, count);

    /* In place over the logits (same cl_mem, same offset). */
    if (!reduced) {
        CHECK(type->forward(-1, t->x, t->y, N, &host, expected) == FOCAL_OK, "cpu: %s", last_error());
        status = focal_cl_sigmoid_forward(cl_queue, type->dtype, N, bx, by, bw, &options, bx, NULL, NULL);
        CHECK(status == FOCAL_OK, "cl %s forward in place: %d (%s)", type->name, status, last_error());
        download(type, x, OFF_X, actual);
        CHECK(differing(type, expected, actual, N, &first) == 0, "cl %s forward in place over logits differs", type->name);
    }
    CHECK(focal_cl_finish(cl_queue) == FOCAL_OK, "focal_cl_finish: %s", last_error());

    cl_mem buffers[] = {x, y, w, up, out, grad};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) clReleaseMemObject(buffers[i]);
    free(expected);
    free(expected_grad);
    free(actual);
}

/* A per-element call on a queue held back by a user event is enqueued and returns (it would wait forever otherwise: the
 * alarm turns that into a failure); once the event completes, the call's event does, and an invalid target in it is
 * still reported by focal_cl_finish, after the library has released its views of the buffers. */
static void cl_held_back_queue(void) {
    float x[4] = {0.1f, -2, 3, 0}, bad_y[4] = {0, 1, 0.5f, -1};
    cl_mem mx = device_buffer(sizeof x), my = device_buffer(sizeof bad_y), mout = device_buffer(sizeof x);
    clEnqueueWriteBuffer(cl_queue, mx, CL_TRUE, 0, sizeof x, x, 0, NULL, NULL);
    clEnqueueWriteBuffer(cl_queue, my, CL_TRUE, 0, sizeof bad_y, bad_y, 0, NULL, NULL);
    focal_cl_buffer bx = {mx, 0}, by = {my, 0}, bout = {mout, 0}, none = {NULL, 0};
    focal_options options;
    focal_options_init(&options);
    cl_int status = CL_SUCCESS, state = CL_COMPLETE;
    cl_event gate = clCreateUserEvent(cl_ctx, &status);
    CHECK(status == CL_SUCCESS && clEnqueueBarrierWithWaitList(cl_queue, 1, &gate, NULL) == CL_SUCCESS, "a user event holds the queue");
    void *event = NULL;
    alarm(120);
    CHECK(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL, &event) == FOCAL_OK,
          "a call on a held-back queue: %s", last_error());
    alarm(0);
    if (event != NULL) clGetEventInfo((cl_event)event, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state, &state, NULL);
    CHECK(state != CL_COMPLETE, "the call's event completed while the queue was held back");
    clSetUserEventStatus(gate, CL_COMPLETE);
    clReleaseEvent(gate);
    finish_event(event, "the call behind the user event");
    expect_error(focal_cl_finish(cl_queue), FOCAL_ERROR_INVALID_ARGUMENT, "targets[3]", "focal_cl_finish after the held-back call");
    CHECK(focal_cl_finish(cl_queue) == FOCAL_OK, "the error is reported once: %s", last_error());
    clReleaseMemObject(mx);
    clReleaseMemObject(my);
    clReleaseMemObject(mout);
}

static void cl_errors(void) {
    float x[4] = {0.1f, -2, 3, 0}, y[4] = {0, 1, 0.5f, 1}, bad_y[4] = {0, 1, 1.5f, 0}, reduced = 0;
    cl_mem mx = device_buffer(sizeof x), my = device_buffer(sizeof y), mbad = device_buffer(sizeof bad_y);
    cl_mem mout = device_buffer(8 * sizeof(float));
    clEnqueueWriteBuffer(cl_queue, mx, CL_TRUE, 0, sizeof x, x, 0, NULL, NULL);
    clEnqueueWriteBuffer(cl_queue, my, CL_TRUE, 0, sizeof y, y, 0, NULL, NULL);
    clEnqueueWriteBuffer(cl_queue, mbad, CL_TRUE, 0, sizeof bad_y, bad_y, 0, NULL, NULL);
    focal_cl_buffer bx = {mx, 0}, by = {my, 0}, bbad = {mbad, 0}, bout = {mout, 0}, none = {NULL, 0};
    focal_options options, sum;
    focal_options_init(&options);
    focal_options_init(&sum);
    sum.reduction = FOCAL_REDUCTION_SUM;
    void *event = &event; /* a failed call must set it to NULL */

    expect_error(focal_cl_sigmoid_forward(cl_queue, 4, 4, bx, by, none, &options, bout, NULL, &event), FOCAL_ERROR_INVALID_ARGUMENT,
                 "dtype", "dtype 4");
    CHECK(event == NULL, "a failed call left *event set");
    expect_error(focal_cl_sigmoid_forward(cl_queue, -1, 4, bx, by, none, &options, bout, NULL, NULL), FOCAL_ERROR_INVALID_ARGUMENT,
                 "dtype", "dtype -1");
    expect_error(focal_cl_sigmoid_forward(NULL, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL, NULL),
                 FOCAL_ERROR_NULL_POINTER, "queue", "NULL queue");
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, none, by, none, &options, bout, NULL, NULL),
                 FOCAL_ERROR_NULL_POINTER, "logits", "NULL logits");
    expect_error(focal_cl_sigmoid_backward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, none, NULL, none, NULL),
                 FOCAL_ERROR_NULL_POINTER, "grad_logits", "NULL grad_logits");
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &sum, bout, NULL, NULL),
                 FOCAL_ERROR_NULL_POINTER, "reduced", "NULL reduced");
    expect_error(focal_cl_sigmoid_forward_backward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &sum, none, NULL, bout, NULL),
                 FOCAL_ERROR_NULL_POINTER, "reduced", "NULL reduced (fused)");
    float host_weights[4] = {1, 1, 1, 1};
    options.weights = host_weights;
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "options->weights", "options->weights on a focal_cl call");
    options.weights = NULL;
    options.struct_size = 4;
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "struct_size", "a short focal_options");
    focal_options_init(&options);
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, (focal_cl_buffer){mx, 1}, by, none, &options, bout, NULL,
                                          NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "logits.mem", "a range past the buffer's end");
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F64, 4, bx, by, none, &options, bout, NULL, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "logits.mem", "f64 elements past a float buffer's end");
    CHECK(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL, NULL) == FOCAL_OK,
          "a valid call: %s", last_error());
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 3, bx, by, none, &options, (focal_cl_buffer){mx, 1}, NULL,
                                          NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "partially overlap", "out shifted over logits");
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, by, NULL, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "targets", "out over targets");
    expect_error(focal_cl_sigmoid_forward_backward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &options, bout, NULL,
                                                   (focal_cl_buffer){mout, 2}, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "overlap", "grad_logits over loss");

    /* A cl_mem of another context. */
    cl_int status;
    cl_context other = clCreateContext(NULL, 1, &cl_dev, NULL, NULL, &status);
    cl_mem foreign = clCreateBuffer(other, CL_MEM_READ_WRITE, sizeof x, NULL, &status);
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, (focal_cl_buffer){foreign, 0}, by, none, &options, bout,
                                          NULL, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "another OpenCL context", "a cl_mem of another context");
    clReleaseMemObject(foreign);
    clReleaseContext(other);

    /* An invalid target: a per-element call is enqueued and succeeds; focal_cl_finish reports it, once. */
    CHECK(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, bbad, none, &options, bout, NULL, NULL) == FOCAL_OK,
          "an enqueued call with an invalid target: %s", last_error());
    expect_error(focal_cl_finish(cl_queue), FOCAL_ERROR_INVALID_ARGUMENT, "target", "focal_cl_finish after an invalid target");
    CHECK(focal_cl_finish(cl_queue) == FOCAL_OK, "the error is reported once: %s", last_error());
    /* A reduced call waits and names the element. */
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, bbad, none, &sum, none, &reduced, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "targets[2]", "a reduced call with an invalid target");
    /* A weight buffer with a negative weight, in a reduced call. */
    float bad_w[4] = {1, -1, 1, 1};
    clEnqueueWriteBuffer(cl_queue, mbad, CL_TRUE, 0, sizeof bad_w, bad_w, 0, NULL, NULL);
    expect_error(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, bbad, &sum, none, &reduced, NULL),
                 FOCAL_ERROR_INVALID_ARGUMENT, "weights[1] = -1 is invalid", "a negative weight");
    CHECK(strstr(last_error(), "options->") == NULL, "the weights buffer of a focal_cl call is not options->weights: '%s'",
          last_error());

    /* n = 0: no buffers needed; the sum of nothing is 0. */
    reduced = -1;
    CHECK(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 0, none, none, none, &sum, none, &reduced, NULL) == FOCAL_OK
              && reduced == 0, "cl sum of nothing: %g (%s)", reduced, last_error());
    CHECK(focal_cl_sigmoid_backward(cl_queue, FOCAL_DTYPE_F64, 0, none, none, none, NULL, none, NULL, none, NULL) == FOCAL_OK,
          "cl backward of nothing: %s", last_error());

    /* Released queues: not held until used again. */
    CHECK(focal_cl_release_queue(cl_queue) == FOCAL_OK, "focal_cl_release_queue: %s", last_error());
    expect_error(focal_cl_finish(cl_queue), FOCAL_ERROR_INVALID_ARGUMENT, "not held", "focal_cl_finish on a released queue");
    expect_error(focal_cl_release_queue(cl_queue), FOCAL_ERROR_INVALID_ARGUMENT, "not held", "releasing a queue twice");
    expect_error(focal_cl_finish(NULL), FOCAL_ERROR_NULL_POINTER, "queue", "focal_cl_finish(NULL)");
    expect_error(focal_cl_release_queue(NULL), FOCAL_ERROR_NULL_POINTER, "queue", "focal_cl_release_queue(NULL)");
    CHECK(focal_cl_sigmoid_forward(cl_queue, FOCAL_DTYPE_F32, 4, bx, by, none, &sum, none, &reduced, NULL) == FOCAL_OK,
          "a call on a released queue takes it again: %s", last_error());
    CHECK(focal_cl_release_queue(cl_queue) == FOCAL_OK, "release again: %s", last_error());

    cl_mem buffers[] = {mx, my, mbad, mout};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) clReleaseMemObject(buffers[i]);
}

static void cl_entries(void) {
    if (!open_queue()) {
        CHECK(0, "no OpenCL queue could be made with the OpenCL API");
        return;
    }
    char name[256] = "";
    focal_device_info info;
    info.struct_size = sizeof info;
    clGetDeviceInfo(cl_dev, CL_DEVICE_NAME, sizeof name, name, NULL);
    CHECK(focal_device_get_info(0, &info) == FOCAL_OK && strcmp(info.name, trimmed(name)) == 0, "device 0 is '%s', OpenCL's first '%s'",
          info.name, name);

    for (int special = 0; special <= 1; special++) {
        make_inputs(special);
        for (int k = 0; k < TYPE_COUNT; k++) {
            typed_inputs t = typed(&types[k]);
            for (int32_t reduction = FOCAL_REDUCTION_NONE; reduction <= FOCAL_REDUCTION_WEIGHTED_MEAN; reduction++)
                compare_cl(&t, reduction);
            free_typed(&t);
        }
    }
    cl_held_back_queue();
    cl_errors();
    clReleaseCommandQueue(cl_queue);
    clReleaseContext(cl_ctx);
}

/* The softmax entries on a device give the CPU entries' bits: class-index and probability targets, [N, C] and
 * [N, C, S] layouts, label smoothing, Poly-1, FLSD-53 and weights, per sample and reduced; errors as on the CPU. */
static void softmax_host_entries(int count) {
    enum { ROWS = 9, C = 37, S = 3, SIZE = ROWS * C * S, SAMPLES = ROWS * S };
    static float x[SIZE], probabilities[SIZE], w[SAMPLES], cpu_grad[SIZE], dev_grad[SIZE];
    static int64_t labels[SAMPLES];
    for (int i = 0; i < SIZE; i++) {
        x[i] = (float)((uniform() - 0.5) * 30);
        probabilities[i] = (float)uniform();
    }
    for (int r = 0; r < SAMPLES; r++) {
        labels[r] = r % 7 == 3 ? -100 : (int64_t)(uniform() * C);
        w[r] = (float)(uniform() * 2);
    }
    for (int variant = 0; variant < 4; variant++) {
        focal_options o;
        focal_options_init(&o);
        o.spatial = variant % 2 == 0 ? 1 : S;
        o.label_smoothing = variant == 1 ? 0.1 : 0;
        o.poly_epsilon = variant == 2 ? -0.5 : 0;
        o.sample_dependent_gamma = variant == 3;
        o.weights = variant == 1 ? w : NULL;
        size_t rows = o.spatial == 1 ? ROWS * S : ROWS;
        for (int kind = 0; kind < 2; kind++) {
            const void *targets = kind == 0 ? (const void *)labels : (const void *)probabilities;
            int32_t target_kind = kind == 0 ? FOCAL_TARGET_INDEX_I64 : FOCAL_TARGET_PROBABILITIES;
            for (int32_t reduction = FOCAL_REDUCTION_NONE; reduction <= FOCAL_REDUCTION_MEAN; reduction++) {
                o.reduction = reduction;
                float cpu_loss[SAMPLES], dev_loss[SAMPLES];
                focal_status cpu = focal_softmax_forward_backward_f32(x, rows, C, targets, target_kind, &o, cpu_loss, cpu_grad);
                focal_status dev = focal_device_softmax_forward_backward_f32(0, x, rows, C, targets, target_kind, &o, dev_loss,
                                                                              dev_grad);
                size_t losses = reduction == FOCAL_REDUCTION_NONE ? SAMPLES : 1;
                CHECK(cpu == FOCAL_OK && dev == FOCAL_OK && memcmp(cpu_loss, dev_loss, losses * sizeof(float)) == 0 &&
                          memcmp(cpu_grad, dev_grad, sizeof cpu_grad) == 0,
                      "softmax variant %d kind %d reduction %d: device differs from the CPU (%d, %d: %s)", variant, kind,
                      (int)reduction, (int)cpu, (int)dev, last_error());
            }
        }
    }

    char fragment[64];
    snprintf(fragment, sizeof fragment, "focal_device_count() is %d", count);
    float out[SAMPLES];
    expect_error(focal_device_softmax_forward_f32(count, x, ROWS, C, labels, FOCAL_TARGET_INDEX_I64, NULL, out),
                 FOCAL_ERROR_INVALID_ARGUMENT, fragment, "softmax device = count");
    labels[2] = C;
    expect_error(focal_device_softmax_forward_f32(0, x, SAMPLES, C, labels, FOCAL_TARGET_INDEX_I64, NULL, out),
                 FOCAL_ERROR_INVALID_ARGUMENT, "targets[2]", "softmax target out of range");
    expect_error(focal_device_softmax_forward_backward_f32(0, x, SAMPLES, C, probabilities, FOCAL_TARGET_PROBABILITIES, NULL,
                                                          x + 1, x),
                 FOCAL_ERROR_INVALID_ARGUMENT, "loss", "softmax losses over the logits");
}

int main(void) {
    int count = device_listing();
    if (count > 0) {
        host_entries_match_cpu();
        host_in_place();
        host_errors(count);
        softmax_host_entries(count);
        concurrent_calls();
        cl_entries();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
