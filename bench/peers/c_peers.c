/* The C harness of the peer benchmark (bench/peers/README.md describes the protocol): libfocalaot through its C ABI,
 * and the loss as a C programmer would write it with libm (gcc -O2, no fast-math; OpenMP spreads it over threads). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "focal_aot.h"

#define GAMMA 2.0f
#define ALPHA 0.25f
#define MAX_LIST 8

typedef enum { OP_FORWARD, OP_FUSED } operation;

typedef struct {
    const float *logits;
    const float *targets;
    size_t n;
    float *gradient;
    float *losses; /* NULL: the mean; else per element: forward writes n losses, fused the gradient of their sum */
} problem;

typedef struct {
    const char *id;
    const char *label;
    double (*run)(operation op, const problem *p); /* returns the mean loss (NaN when losses are per element) */
} peer;

static void fail(const char *message, const char *detail)
{
    fprintf(stderr, "c_peers: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* --- FocalAot through its C ABI -------------------------------------------------------------------------------- */

static void check(focal_status status)
{
    if (status == FOCAL_OK)
        return;
    char message[512];
    focal_last_error_message(message, sizeof message, NULL);
    fail("libfocalaot", message);
}

static double focalaot_run(operation op, const problem *p)
{
    focal_options options;
    check(focal_options_init(&options));
    options.gamma = GAMMA;
    options.alpha = ALPHA;
    options.reduction = p->losses ? FOCAL_REDUCTION_SUM : FOCAL_REDUCTION_MEAN;
    float mean = NAN;
    if (op == OP_FORWARD) {
        if (p->losses) {
            options.reduction = FOCAL_REDUCTION_NONE;
            check(focal_sigmoid_forward_f32(p->logits, p->targets, p->n, &options, p->losses));
        } else {
            check(focal_sigmoid_forward_f32(p->logits, p->targets, p->n, &options, &mean));
        }
    } else {
        float sum;
        check(focal_sigmoid_forward_backward_f32(p->logits, p->targets, p->n, &options, p->losses ? &sum : &mean,
                                                 p->gradient));
    }
    return mean;
}

/* --- The loss with libm: p = σ(x), the stable BCE, p_t, (1 - p_t)^γ with powf --------------------------------- */

static inline float libm_loss(float x, float t, float *slope)
{
    float p = 1.0f / (1.0f + expf(-x));
    float bce = fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)));
    float p_t = p * t + (1.0f - p) * (1.0f - t);
    float alpha_t = ALPHA * t + (1.0f - ALPHA) * (1.0f - t);
    float q = 1.0f - p_t;
    float modulation = powf(q, GAMMA);
    if (slope) {
        /* d/dx of α_t q^γ bce: q' = -(2t - 1) p (1 - p), bce' = p - t */
        float dq = -(2.0f * t - 1.0f) * p * (1.0f - p);
        *slope = alpha_t * (GAMMA * powf(q, GAMMA - 1.0f) * dq * bce + modulation * (p - t));
    }
    return alpha_t * modulation * bce;
}

static double libm_run(operation op, const problem *p)
{
    const long n = (long)p->n;
    const float scale = p->losses ? 1.0f : 1.0f / (float)p->n;
    double sum = 0.0;
    if (op == OP_FORWARD) {
#pragma omp parallel for reduction(+ : sum) schedule(static)
        for (long i = 0; i < n; i++) {
            float loss = libm_loss(p->logits[i], p->targets[i], NULL);
            if (p->losses)
                p->losses[i] = loss;
            sum += loss;
        }
    } else {
#pragma omp parallel for reduction(+ : sum) schedule(static)
        for (long i = 0; i < n; i++) {
            float slope;
            sum += libm_loss(p->logits[i], p->targets[i], &slope);
            p->gradient[i] = slope * scale;
        }
    }
    return p->losses ? NAN : (double)(float)(sum / (double)n);
}

static const peer peers[] = {
    { "focalaot-c", "FocalAot C ABI", focalaot_run },
    { "c-libm", "C with libm", libm_run },
};
#define PEER_COUNT (sizeof peers / sizeof peers[0])

/* --- Timing ------------------------------------------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + 1e-9 * (double)time.tv_nsec;
}

static void set_threads(int threads)
{
    omp_set_num_threads(threads);
    check(focal_set_num_threads(threads));
}

/* The preloaded alloc_count.so's running total, or -1 when it is not there. */
static int64_t allocated_bytes(void)
{
    static uint64_t (*counter)(void);
    static int looked;
    if (!looked) {
        counter = (uint64_t(*)(void))dlsym(RTLD_DEFAULT, "alloc_count_bytes");
        looked = 1;
    }
    return counter ? (int64_t)counter() : -1;
}

/* Seconds per call of one round: at least 3 calls and 0.2 s. */
static double time_round(const peer *candidate, operation op, const problem *p)
{
    double start = now_seconds(), elapsed;
    int calls = 0;
    do {
        candidate->run(op, p);
        calls++;
        elapsed = now_seconds() - start;
    } while (calls < 3 || elapsed < 0.2);
    return elapsed / calls;
}

/* --- Inputs and arguments ---------------------------------------------------------------------------------------- */

static float *read_inputs(const char *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/inputs-%zu.f32", data, n);
    FILE *file = fopen(path, "rb");
    if (!file)
        fail("cannot open", path);
    float *values = malloc(2 * n * sizeof(float));
    if (!values || fread(values, sizeof(float), 2 * n, file) != 2 * n)
        fail("cannot read 2n floats from", path);
    fclose(file);
    return values;
}

static int parse_list(const char *text, long *values)
{
    int count = 0;
    char *end;
    for (const char *cursor = text; *cursor && count < MAX_LIST; cursor = *end ? end + 1 : end) {
        errno = 0;
        values[count++] = strtol(cursor, &end, 10);
        if (errno || end == cursor || (*end && *end != ','))
            fail("not a comma-separated list of integers", text);
    }
    return count;
}

static void write_accuracy(const char *directory, const char *data, size_t n)
{
    float *inputs = read_inputs(data, n);
    float *output = malloc(2 * n * sizeof(float));
    set_threads(1);
    for (size_t i = 0; i < PEER_COUNT; i++) {
        problem p = { inputs, inputs + n, n, output + n, output };
        peers[i].run(OP_FORWARD, &p); /* the losses */
        peers[i].run(OP_FUSED, &p);   /* the gradient of their sum; a fused call leaves the losses as they are */
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.f32", directory, peers[i].id);
        FILE *file = fopen(path, "wb");
        if (!file || fwrite(output, sizeof(float), 2 * n, file) != 2 * n || fclose(file) != 0)
            fail("cannot write", path);
    }
    free(output);
    free(inputs);
}

int main(int argc, char **argv)
{
    const char *data = NULL, *accuracy_out = NULL;
    long sizes[MAX_LIST], threads[MAX_LIST], rounds = 5, accuracy_n = 0;
    int size_count = 0, thread_count = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *name = argv[i], *value = argv[i + 1];
        if (!strcmp(name, "--data")) data = value;
        else if (!strcmp(name, "--sizes")) size_count = parse_list(value, sizes);
        else if (!strcmp(name, "--threads")) thread_count = parse_list(value, threads);
        else if (!strcmp(name, "--rounds")) parse_list(value, &rounds);
        else if (!strcmp(name, "--accuracy-n")) parse_list(value, &accuracy_n);
        else if (!strcmp(name, "--accuracy-out")) accuracy_out = value;
        else fail("unknown argument", name);
    }
    if (argc % 2 == 0 || !data || size_count == 0 || thread_count == 0 || rounds < 1)
        fail("usage: c_peers --data DIR --sizes N,... --threads T,... [--rounds R] [--accuracy-n N --accuracy-out DIR]",
             NULL);

    printf("{\"info\": {\"libfocalaot_variant\": \"%s\"}}\n", focal_loaded_variant());
    for (int s = 0; s < size_count; s++) {
        size_t n = (size_t)sizes[s];
        float *inputs = read_inputs(data, n);
        float *gradient = malloc(n * sizeof(float));
        problem p = { inputs, inputs + n, n, gradient, NULL };
        for (int t = 0; t < thread_count; t++) {
            set_threads((int)threads[t]);
            for (operation op = OP_FORWARD; op <= OP_FUSED; op++) {
                double best[PEER_COUNT], mean[PEER_COUNT];
                int64_t allocated[PEER_COUNT];
                for (size_t i = 0; i < PEER_COUNT; i++) {
                    peers[i].run(op, &p); /* warm-up */
                    int64_t before = allocated_bytes();
                    mean[i] = peers[i].run(op, &p);
                    allocated[i] = before < 0 ? -1 : allocated_bytes() - before;
                    best[i] = INFINITY;
                }
                for (long round = 0; round < rounds; round++)
                    for (size_t i = 0; i < PEER_COUNT; i++)
                        best[i] = fmin(best[i], time_round(&peers[i], op, &p));
                for (size_t i = 0; i < PEER_COUNT; i++) {
                    char alloc[32];
                    if (allocated[i] < 0) snprintf(alloc, sizeof alloc, "null");
                    else snprintf(alloc, sizeof alloc, "%lld", (long long)allocated[i]);
                    printf("{\"peer\": \"%s\", \"label\": \"%s\", \"op\": \"%s\", \"n\": %zu, \"threads\": %ld, "
                           "\"ns_per_element\": %.6g, \"alloc_bytes_per_call\": %s, \"mean_loss\": %.17g}\n",
                           peers[i].id, peers[i].label, op == OP_FORWARD ? "forward" : "fused", n, threads[t],
                           1e9 * best[i] / (double)n, alloc, mean[i]);
                    fflush(stdout);
                }
            }
        }
        free(gradient);
        free(inputs);
    }
    if (accuracy_out && accuracy_n > 0)
        write_accuracy(accuracy_out, data, (size_t)accuracy_n);
    return 0;
}
