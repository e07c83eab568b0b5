/*
 * Tests of libfocalaot through its C ABI alone: values against a double-precision reference, every error path,
 * n = 0, unaligned pointers, ISA caps, thread counts, many threads calling at once, and the options: weights,
 * per-class alpha, every reduction, and float16 / bfloat16 data.
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal_aot.h"
#include "reference.h"
#include "check.h"

/* Options with gamma, alpha and a reduction, in a compound literal that lives as long as the enclosing block. */
static const focal_options *with_options(focal_options *options, double gamma, double alpha, int32_t reduction) {
    focal_options_init(options);
    options->gamma = gamma;
    options->alpha = alpha;
    options->reduction = reduction;
    return options;
}
#define OPTS(gamma, alpha, reduction) with_options(&(focal_options){0}, (gamma), (alpha), (reduction))

static const char *last_error(void) {
    static char buffer[1024];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

/* A fixed-seed generator (splitmix64), so every run checks the same inputs. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double logit_sample(size_t i) {
    switch (i % 7) {
    case 0: return (uniform() - 0.5) * 2e4;   /* |x| up to 1e4 */
    case 1: return (uniform() - 0.5) * 80.0;  /* saturating */
    default: return (uniform() - 0.5) * 12.0; /* the common range */
    }
}

static const double gammas[] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 0.7, 2.5};
static const double alphas[] = {0.25, -1.0, 0.0, 1.0, 0.6};

/* Per-element loss and gradient, every reduction, fused = separate, for one element type. */
#define DEFINE_VALUE_TESTS(T, SUFFIX, TOLERANCE)                                                              \
    static void value_tests_##SUFFIX(int soft) {                                                             \
        enum { N = 1003 };                                                                                    \
        static T x[N], y[N], loss[N], grad[N], loss2[N], grad2[N];                                           \
        for (size_t g = 0; g < sizeof gammas / sizeof gammas[0]; g++) {                                      \
            double gamma = gammas[g], alpha = alphas[g % (sizeof alphas / sizeof alphas[0])];                 \
            for (size_t i = 0; i < N; i++) {                                                                  \
                x[i] = (T)logit_sample(i);                                                                    \
                y[i] = soft ? (T)uniform() : (T)(uniform() < 0.3);                                            \
            }                                                                                                 \
            int status = focal_sigmoid_forward_backward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_NONE), \
                                                                 loss, grad);                                 \
            CHECK(status == FOCAL_OK, "fused none: status %d (%s)", status, last_error());                   \
            double worst_loss = 0, worst_grad = 0, sum = 0;                                                   \
            for (size_t i = 0; i < N; i++) {                                                                  \
                double scale, rl = ref_loss(x[i], y[i], gamma, alpha);                                        \
                double rg = ref_gradient(x[i], y[i], gamma, alpha, &scale);                                   \
                sum += rl;                                                                                    \
                if (fabs(rl) >= 1e-30) worst_loss = fmax(worst_loss, fabs(loss[i] - rl) / fabs(rl));          \
                double gscale = soft ? scale : fabs(rg);                                                      \
                if (gscale >= 1e-30) worst_grad = fmax(worst_grad, fabs(grad[i] - rg) / gscale);              \
            }                                                                                                 \
            CHECK(worst_loss <= TOLERANCE, #SUFFIX " loss rel. error %.3g > %g (gamma %g, soft %d)",         \
                  worst_loss, TOLERANCE, gamma, soft);                                                        \
            CHECK(worst_grad <= TOLERANCE, #SUFFIX " gradient rel. error %.3g > %g (gamma %g, soft %d)",     \
                  worst_grad, TOLERANCE, gamma, soft);                                                        \
                                                                                                              \
            focal_sigmoid_forward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_NONE), loss2);              \
            focal_sigmoid_backward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_NONE), NULL, grad2);       \
            CHECK(memcmp(loss, loss2, sizeof loss) == 0 && memcmp(grad, grad2, sizeof grad) == 0,             \
                  #SUFFIX " fused differs from forward + backward (gamma %g)", gamma);                       \
                                                                                                              \
            T total, mean, fused_mean;                                                                        \
            focal_sigmoid_forward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_SUM), &total);              \
            focal_sigmoid_forward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_MEAN), &mean);              \
            CHECK(fabs(total - sum) <= TOLERANCE * sum, #SUFFIX " sum %.17g vs reference %.17g", (double)total, sum); \
            CHECK(fabs(mean - sum / N) <= TOLERANCE * sum / N, #SUFFIX " mean %.17g vs reference %.17g",       \
                  (double)mean, sum / N);                                                                     \
            status = focal_sigmoid_forward_backward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_MEAN),     \
                                                             &fused_mean, grad);                              \
            T upstream = 1;                                                                                   \
            focal_sigmoid_backward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_MEAN), &upstream, grad2);  \
            CHECK(status == FOCAL_OK && fused_mean == mean && memcmp(grad, grad2, sizeof grad) == 0,          \
                  #SUFFIX " fused mean differs from forward + backward");                                    \
            for (size_t i = 0; i < N; i++) loss2[i] = (T)2.5;                                                 \
            focal_sigmoid_backward_##SUFFIX(x, y, N, OPTS(gamma, alpha, FOCAL_REDUCTION_NONE), loss2, grad2);      \
            int scaled = 1;                                                                                   \
            for (size_t i = 0; i < N; i++) {                                                                  \
                T one = 1, g1;                                                                                \
                focal_sigmoid_backward_##SUFFIX(x + i, y + i, 1, OPTS(gamma, alpha, FOCAL_REDUCTION_NONE), &one, &g1); \
                scaled &= grad2[i] == (T)(g1 * (T)2.5) || (isnan(grad2[i]) && isnan(g1));                   \
            }                                                                                                 \
            CHECK(scaled, #SUFFIX " upstream span does not scale each element (gamma %g)", gamma);           \
        }                                                                                                     \
    }
DEFINE_VALUE_TESTS(float, f32, 2e-6)
DEFINE_VALUE_TESTS(double, f64, 1e-13)

static void special_values(void) {
    float x[] = {INFINITY, INFINITY, -INFINITY, NAN, 0.0f};
    float y[] = {0.0f, 1.0f, 0.0f, 0.5f, 1.0f};
    float loss[5], grad[5];
    CHECK(focal_sigmoid_forward_backward_f32(x, y, 5, OPTS(2.0, 0.25, FOCAL_REDUCTION_NONE), loss, grad) == FOCAL_OK,
          "special values rejected: %s", last_error());
    CHECK(isinf(loss[0]) && loss[0] > 0 && fabsf(grad[0] - 0.75f) < 1e-7f, "x=+inf y=0: loss %g grad %g", loss[0], grad[0]);
    CHECK(loss[1] == 0 && grad[1] == 0, "x=+inf y=1: loss %g grad %g", loss[1], grad[1]);
    CHECK(loss[2] == 0 && grad[2] == 0, "x=-inf y=0: loss %g grad %g", loss[2], grad[2]);
    CHECK(isnan(loss[3]) && isnan(grad[3]), "NaN logit must propagate: loss %g grad %g", loss[3], grad[3]);
    CHECK(fabsf(loss[4] - (float)(0.25 * 0.25 * log(2.0))) < 1e-7f, "x=0 y=1: loss %g", loss[4]);
}

static void empty_input(void) {
    float sum = -1, mean = 0;
    CHECK(focal_sigmoid_forward_f32(NULL, NULL, 0, OPTS(2.0, 0.25, FOCAL_REDUCTION_SUM), &sum) == FOCAL_OK && sum == 0,
          "sum of nothing: %g (%s)", sum, last_error());
    CHECK(focal_sigmoid_forward_f32(NULL, NULL, 0, OPTS(2.0, 0.25, FOCAL_REDUCTION_MEAN), &mean) == FOCAL_OK && isnan(mean),
          "mean of nothing must be NaN: %g", mean);
    CHECK(focal_sigmoid_forward_f32(NULL, NULL, 0, OPTS(2.0, 0.25, FOCAL_REDUCTION_NONE), NULL) == FOCAL_OK, "none of nothing");
    CHECK(focal_sigmoid_backward_f64(NULL, NULL, 0, OPTS(2.0, 0.25, FOCAL_REDUCTION_MEAN), NULL, NULL) == FOCAL_OK,
          "backward of nothing");
    CHECK(focal_sigmoid_forward_backward_f32(NULL, NULL, 0, OPTS(2.0, 0.25, FOCAL_REDUCTION_SUM), NULL, NULL)
              == FOCAL_ERROR_NULL_POINTER, "a reduced loss needs its output even for n = 0");
}

static void expect_error(int status, int expected, const char *fragment, const char *what) {
    CHECK(status == expected, "%s: status %d, expected %d", what, status, expected);
    CHECK(strstr(last_error(), fragment) != NULL, "%s: message '%s' lacks '%s'", what, last_error(), fragment);
    /* Every message is a C one: one line, without .NET's "(Parameter 'x')" or "Actual value was". */
    CHECK(strchr(last_error(), '\n') == NULL && strstr(last_error(), "(Parameter") == NULL
              && strstr(last_error(), "Actual value") == NULL, "%s: not a one-line C message: '%s'", what, last_error());
}

static void error_paths(void) {
    float x[4] = {0.1f, -2, 3, 0}, y[4] = {0, 1, 0.5f, 1}, out[4], grad[4];
    expect_error(focal_sigmoid_forward_f32(NULL, y, 4, OPTS(2, 0.25, 0), out), FOCAL_ERROR_NULL_POINTER, "logits", "null logits");
    expect_error(focal_sigmoid_forward_f32(x, NULL, 4, OPTS(2, 0.25, 0), out), FOCAL_ERROR_NULL_POINTER, "targets", "null targets");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 0.25, 0), NULL), FOCAL_ERROR_NULL_POINTER, "out", "null out");
    expect_error(focal_sigmoid_backward_f32(x, y, 4, OPTS(2, 0.25, 0), NULL, NULL), FOCAL_ERROR_NULL_POINTER, "grad_logits",
                 "null grad_logits");
    expect_error(focal_sigmoid_forward_backward_f64(NULL, NULL, 3, OPTS(2, 0.25, 1), NULL, NULL), FOCAL_ERROR_NULL_POINTER,
                 "logits", "null f64");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(-1, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "gamma", "gamma < 0");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(NAN, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "gamma", "gamma NaN");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(INFINITY, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "gamma",
                 "gamma inf");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 1.5, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "alpha", "alpha > 1");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, NAN, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "alpha", "alpha NaN");
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 0.25, 7), out), FOCAL_ERROR_INVALID_ARGUMENT, "reduction",
                 "bad reduction");
    expect_error(focal_sigmoid_forward_f32(x, y, (size_t)INT32_MAX + 1, OPTS(2, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT,
                 "n must be", "n too large");
    float bad_y[4] = {0, 1, 1.5f, 0};
    expect_error(focal_sigmoid_forward_backward_f32(x, bad_y, 4, OPTS(2, 0.25, 0), out, grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "targets[2]", "target 1.5");
    bad_y[2] = NAN;
    expect_error(focal_sigmoid_backward_f32(x, bad_y, 4, OPTS(2, 0.25, 2), NULL, grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "targets[2]", "target NaN");
    expect_error(focal_sigmoid_forward_backward_f32(x, y, 4, OPTS(2, 0.25, 0), out, out), FOCAL_ERROR_INVALID_ARGUMENT,
                 "overlap", "loss overlapping grad_logits");
    expect_error(focal_sigmoid_forward_f32(x, y, 3, OPTS(2, 0.25, 0), x + 1), FOCAL_ERROR_INVALID_ARGUMENT, "overlap",
                 "partial overlap");
    CHECK(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 0.25, 0), x) == FOCAL_OK, "in place must be allowed: %s", last_error());
    expect_error(focal_sigmoid_forward_f32(x, y, 4, OPTS(1e39, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT, "gamma",
                 "gamma above 1e6");

    /* An output written over invalid targets: the message names the bad target, not what was written over it. */
    float y_out[4] = {0, 1, 2, 0}, y_loss[4] = {0, 1, -0.5f, 0}, x3[4] = {3, -3, 0, 5};
    double y_grad[3] = {0.5, 0.5, 7}, x_grad[3] = {1, 2, 3};
    expect_error(focal_sigmoid_forward_f32(x3, y_out, 4, OPTS(2, -1, 0), y_out), FOCAL_ERROR_INVALID_ARGUMENT,
                 "targets[2] = 2 ", "out over targets");
    expect_error(focal_sigmoid_forward_backward_f32(x3, y_loss, 4, OPTS(2, 0.25, 0), y_loss, grad),
                 FOCAL_ERROR_INVALID_ARGUMENT, "targets[2] = -0.5 ", "loss over targets");
    expect_error(focal_sigmoid_backward_f64(x_grad, y_grad, 3, OPTS(2, 0.25, 0), NULL, y_grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "targets[2] = 7 ", "grad_logits over targets");

    /* The message buffer protocol. */
    focal_sigmoid_forward_f32(x, y, 4, OPTS(-1, 0.25, 0), out);
    size_t needed = 0;
    CHECK(focal_last_error_message(NULL, 0, &needed) == FOCAL_OK && needed > 10, "size query: %zu", needed);
    char small[8];
    CHECK(focal_last_error_message(small, sizeof small, &needed) == FOCAL_ERROR_BUFFER_TOO_SMALL
              && strlen(small) == sizeof small - 1, "truncation: '%s'", small);
    CHECK(focal_last_error_message(NULL, 5, NULL) == FOCAL_ERROR_NULL_POINTER, "NULL buffer with a capacity");
}

/* Messages are C ones: one line, without .NET's "(Parameter 'x')" or "Actual value was", naming the C argument. */
static void expect_c_message(int status, int expected, const char *fragment, const char *what) {
    expect_error(status, expected, fragment, what);
    const char *text = last_error();
    CHECK(strchr(text, '\n') == NULL && strchr(text, '\r') == NULL, "%s: message on more than one line: '%s'", what, text);
    CHECK(strstr(text, "(Parameter") == NULL && strstr(text, "Actual value") == NULL, "%s: .NET wording in '%s'", what, text);
}

static void message_wording(void) {
    float x[4] = {0.1f, -2, 3, 0}, y[4] = {0, 1, 0.5f, 1}, out[4], grad[4], up[4] = {1, 1, 1, 1};
    float w[4] = {1, 1, 1, -1};
    double class_alpha[2] = {0.25, 1.5};
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, OPTS(-1, 0.25, 0), out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->gamma must be", "gamma < 0");
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 2, 0), out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->alpha must be", "alpha > 1");
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, OPTS(2, 0.25, 7), out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->reduction must be", "bad reduction");
    focal_options options;
    focal_options_init(&options);
    options.weights = w;
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->weights[3] = -1 is invalid", "negative weight");
    options.weights = NULL;
    options.class_alpha = class_alpha;
    options.num_classes = 2;
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->class_alpha[1] = 1.5 is invalid", "class alpha 1.5");
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_NORMALIZED;
    options.normalizer = 0;
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "options->normalizer must be", "normalizer 0");
    float bad_y[4] = {0, 1, 1.5f, 0};
    expect_c_message(focal_sigmoid_forward_f32(x, bad_y, 4, NULL, out), FOCAL_ERROR_INVALID_ARGUMENT, "targets[2] = 1.5 is invalid",
                     "target 1.5");

    /* Overlaps name the C arguments (out, loss, grad_logits, grad_out), not the .NET parameters. */
    expect_c_message(focal_sigmoid_forward_f32(x, y, 3, NULL, x + 1), FOCAL_ERROR_INVALID_ARGUMENT,
                     "out must not partially overlap logits", "out shifted over logits");
    expect_c_message(focal_sigmoid_forward_backward_f32(x, y, 4, NULL, out, out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "grad_logits must not overlap loss", "grad_logits over loss");
    expect_c_message(focal_sigmoid_forward_backward_f32(x, y, 3, NULL, y + 1, grad), FOCAL_ERROR_INVALID_ARGUMENT,
                     "loss must not partially overlap targets", "loss shifted over targets");
    expect_c_message(focal_sigmoid_backward_f32(x, y, 3, NULL, up, up + 1), FOCAL_ERROR_INVALID_ARGUMENT,
                     "grad_logits must not partially overlap grad_out", "grad_logits shifted over grad_out");
    options.reduction = FOCAL_REDUCTION_NONE;
    options.weights = out;
    expect_c_message(focal_sigmoid_forward_f32(x, y, 4, &options, out), FOCAL_ERROR_INVALID_ARGUMENT,
                     "out must not overlap options->weights", "out over the weights");

    /* NULL pointers: a data pointer while n > 0, and a reduced result, which is required even for n = 0. */
    expect_c_message(focal_sigmoid_forward_f32(NULL, y, 4, NULL, out), FOCAL_ERROR_NULL_POINTER, "logits is NULL", "NULL logits");
    expect_c_message(focal_sigmoid_forward_f32(NULL, NULL, 0, OPTS(2, 0.25, FOCAL_REDUCTION_SUM), NULL), FOCAL_ERROR_NULL_POINTER,
                     "out is NULL", "NULL out for a sum of nothing");
    CHECK(strstr(last_error(), "positive") == NULL && strstr(last_error(), "even when n is 0") != NULL,
          "n = 0: the message must not say the element count is positive: '%s'", last_error());
    expect_c_message(focal_sigmoid_forward_backward_f32(NULL, NULL, 0, OPTS(2, 0.25, FOCAL_REDUCTION_MEAN), NULL, NULL),
                     FOCAL_ERROR_NULL_POINTER, "loss is NULL", "NULL loss for a mean of nothing");
    CHECK(strstr(last_error(), "positive") == NULL, "n = 0: '%s'", last_error());
}

static void unaligned_pointers(void) {
    enum { N = 77 };
    static unsigned char storage[3 * (N + 1) * sizeof(double)];
    float *x = (float *)(storage + 1), *y = (float *)(storage + 2 + N * sizeof(float));
    float *out = (float *)(storage + 3 + 2 * N * sizeof(float));
    float ax[N], ay[N], aout[N], ux[N];
    for (int i = 0; i < N; i++) {
        ax[i] = (float)logit_sample((size_t)i);
        ay[i] = (float)(i % 2);
    }
    memcpy(x, ax, sizeof ax);
    memcpy(y, ay, sizeof ay);
    CHECK(focal_sigmoid_forward_f32(x, y, N, OPTS(2, 0.25, 0), out) == FOCAL_OK, "unaligned: %s", last_error());
    focal_sigmoid_forward_f32(ax, ay, N, OPTS(2, 0.25, 0), aout);
    memcpy(ux, out, sizeof ux);
    CHECK(memcmp(ux, aout, sizeof ux) == 0, "unaligned pointers change the results");
}

static void isa_caps(void) {
    enum { N = 4099 };
    static float x[N], y[N], best[N], capped[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)logit_sample((size_t)i);
        y[i] = (float)uniform();
    }
    int active = focal_get_isa();
    CHECK(active >= FOCAL_ISA_SCALAR && active <= FOCAL_ISA_AVX512, "focal_get_isa = %d", active);
    float best_sum, capped_sum;
    focal_sigmoid_forward_f32(x, y, N, OPTS(1.5, 0.25, 0), best);
    focal_sigmoid_forward_f32(x, y, N, OPTS(1.5, 0.25, 1), &best_sum);
    for (int isa = active; isa >= FOCAL_ISA_SCALAR; isa--) {
        CHECK(focal_set_max_isa(isa) == FOCAL_OK && focal_get_isa() == isa, "cap at %d: %s", isa, last_error());
        focal_sigmoid_forward_f32(x, y, N, OPTS(1.5, 0.25, 0), capped);
        focal_sigmoid_forward_f32(x, y, N, OPTS(1.5, 0.25, 1), &capped_sum);
        CHECK(memcmp(best, capped, sizeof best) == 0 && best_sum == capped_sum, "ISA %d differs from ISA %d", isa, active);
    }
    if (active < FOCAL_ISA_AVX512)
        expect_error(focal_set_max_isa(active + 1), FOCAL_ERROR_UNSUPPORTED, "above", "cap above the CPU");
    expect_error(focal_set_max_isa(9), FOCAL_ERROR_INVALID_ARGUMENT, "isa", "unknown ISA");
    CHECK(focal_set_max_isa(active) == FOCAL_OK, "restore the ISA");
}

/* The largest gamma gives finite gradients; a NaN sum has the same bits on every path. */
static void gamma_and_nan_limits(void) {
    float x[3] = {0, 5, -5}, y[3] = {0, 1, 0.5f}, loss[3], grad[3];
    CHECK(focal_sigmoid_forward_backward_f32(x, y, 3, OPTS(1e6, 0.25, 0), loss, grad) == FOCAL_OK, "gamma 1e6: %s",
          last_error());
    for (int i = 0; i < 3; i++)
        CHECK(isfinite(grad[i]) && isfinite(loss[i]) && loss[i] >= 0, "gamma 1e6: loss %g, grad %g", loss[i], grad[i]);

    enum { N = 17 };
    float nx[N] = {0}, ny[N] = {0}, sums[FOCAL_ISA_AVX512 + 1];
    nx[0] = NAN;
    nx[16] = -NAN;
    int active = focal_get_isa();
    for (int isa = active; isa >= FOCAL_ISA_SCALAR; isa--) {
        focal_set_max_isa(isa);
        CHECK(focal_sigmoid_forward_f32(nx, ny, N, OPTS(2, 0.25, FOCAL_REDUCTION_SUM), &sums[isa]) == FOCAL_OK, "NaN sum");
        CHECK(memcmp(&sums[isa], &sums[active], sizeof(float)) == 0, "NaN sum bits differ: ISA %d vs %d", isa, active);
    }
    uint32_t bits;
    memcpy(&bits, &sums[active], sizeof bits);
    CHECK(bits == 0x7fc00000u, "NaN sum is 0x%08x, not the canonical quiet NaN", bits);
    focal_set_max_isa(active);
}

/* bfloat16 bits of a float: round to nearest, ties to even; NaN stays a quiet NaN. */
static uint16_t to_bf16(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

static float from_bf16(uint16_t bits) {
    uint32_t widened = (uint32_t)bits << 16;
    float value;
    memcpy(&value, &widened, sizeof value);
    return value;
}

/* IEEE binary16, an extension of GCC and Clang on x86-64 and arm64. */
__extension__ typedef _Float16 float16;

static uint16_t to_f16(float value) {
    float16 half = (float16)value;
    uint16_t bits;
    memcpy(&bits, &half, sizeof bits);
    return bits;
}

static float from_f16(uint16_t bits) {
    float16 half;
    memcpy(&half, &bits, sizeof half);
    return (float)half;
}

/* Weights, per-class alpha, every reduction, and the options' own rules. */
/* The focal family on the sigmoid entries: Poly-1 adds eps q^(gamma+1) and eps (gamma+1) q^gamma q' to loss and gradient;
 * FLSD-53 takes gamma = 5 where q > 0.8, else 3, per element. Both against the double reference. */
static void focal_family_tests(void) {
    enum { N = 517 };
    static double xd[N], yd[N];
    static float x[N], y[N], loss[N], grad[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)logit_sample((size_t)i);
        y[i] = i % 3 == 0 ? (float)uniform() : (float)(i % 2);
        xd[i] = x[i];
        yd[i] = y[i];
    }
    const double epsilons[] = {1.0, -1.0, 0.5};
    for (int variant = 0; variant < 6; variant++) {
        focal_options o;
        focal_options_init(&o);
        int flsd = variant >= 3;
        o.sample_dependent_gamma = flsd;
        o.poly_epsilon = epsilons[variant % 3];
        if (!flsd)
            o.gamma = variant == 0 ? 2.0 : variant == 1 ? 0.7 : 0.0;
        CHECK(focal_sigmoid_forward_backward_f32(x, y, N, &o, loss, grad) == FOCAL_OK, "family %d: %s", variant, last_error());
        int bad = 0;
        for (int i = 0; i < N; i++) {
            double q = ref_q(xd[i], yd[i]);
            double gamma = flsd ? (q > 0.8 ? 5.0 : 3.0) : o.gamma;
            double scale, slope = ref_gradient(xd[i], yd[i], gamma, o.alpha, &scale);
            double m = gamma == 0 ? 1.0 : pow(q, gamma);
            double poly_loss = o.poly_epsilon * m * q;
            double poly_slope = o.poly_epsilon * (gamma + 1) * m * (1 - 2 * yd[i]) * ref_sigmoid(xd[i]) * ref_sigmoid(-xd[i]);
            double focal = ref_loss(xd[i], yd[i], gamma, o.alpha);
            double loss_size = fabs(focal) + fabs(poly_loss), slope_size = scale + fabs(poly_slope);
            if (fabs(loss[i] - (focal + poly_loss)) > 4e-6 * loss_size + 1e-37 || fabs(grad[i] - (slope + poly_slope)) > 4e-6 * slope_size + 1e-37)
                bad++;
        }
        CHECK(bad == 0, "family variant %d: %d elements off the reference", variant, bad);
    }
    focal_options o;
    focal_options_init(&o);
    o.poly_epsilon = -1.5;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &o, loss), FOCAL_ERROR_INVALID_ARGUMENT, "options->poly_epsilon", "poly_epsilon < -1");
    focal_options_init(&o);
    o.sample_dependent_gamma = 1;
    o.gamma = 3;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &o, loss), FOCAL_ERROR_INVALID_ARGUMENT, "options->gamma", "gamma with FLSD-53");
}

static void options_tests(void) {
    enum { N = 1003, C = 7 };
    static float x[N], y[N], w[N], loss[N], grad[N], wloss[N], wgrad[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)logit_sample((size_t)i);
        y[i] = (float)uniform();
        w[i] = i % 5 == 0 ? 0.0f : (float)(2 * uniform());
    }
    x[10] = INFINITY;  /* weight 0: an ignored element stays 0 whatever its logit */
    x[15] = -INFINITY;
    x[20] = NAN;
    focal_options plain, weighted;
    CHECK(focal_options_init(&plain) == FOCAL_OK && plain.struct_size == sizeof plain && plain.gamma == 2.0
              && plain.alpha == 0.25 && plain.weights == NULL && plain.reduction == FOCAL_REDUCTION_NONE,
          "focal_options_init defaults");
    expect_error(focal_options_init(NULL), FOCAL_ERROR_NULL_POINTER, "options", "init NULL");

    /* NULL options are the defaults. */
    CHECK(focal_sigmoid_forward_backward_f32(x, y, N, NULL, wloss, wgrad) == FOCAL_OK, "NULL options: %s", last_error());
    focal_sigmoid_forward_backward_f32(x, y, N, &plain, loss, grad);
    CHECK(memcmp(loss, wloss, sizeof loss) == 0 && memcmp(grad, wgrad, sizeof grad) == 0, "NULL options differ");

    /* Weights multiply loss and gradient (one float rounding each); weight 0 gives +0. */
    weighted = plain;
    weighted.weights = w;
    CHECK(focal_sigmoid_forward_backward_f32(x, y, N, &weighted, wloss, wgrad) == FOCAL_OK, "weights: %s", last_error());
    int mismatches = 0;
    for (int i = 0; i < N; i++) {
        float expected_loss = w[i] == 0 ? 0.0f : loss[i] * w[i], expected_grad = w[i] == 0 ? 0.0f : grad[i] * w[i];
        if (memcmp(&expected_loss, &wloss[i], sizeof(float)) != 0 || memcmp(&expected_grad, &wgrad[i], sizeof(float)) != 0)
            mismatches++;
    }
    CHECK(mismatches == 0, "%d weighted elements differ from loss * w", mismatches);

    /* Weighted mean: sum of w * loss over sum of w; normalized: sum over the normalizer. */
    double weighted_sum = 0, weight_sum = 0, plain_sum = 0;
    for (int i = 21; i < N; i++) {
        weighted_sum += (double)loss[i] * w[i];
        weight_sum += w[i];
        plain_sum += loss[i];
    }
    float mean;
    weighted.reduction = FOCAL_REDUCTION_WEIGHTED_MEAN;
    CHECK(focal_sigmoid_forward_f32(x + 21, y + 21, N - 21, &weighted, &mean) == FOCAL_OK, "weighted mean: %s",
          last_error());
    weighted.weights = w + 21;
    CHECK(focal_sigmoid_forward_f32(x + 21, y + 21, N - 21, &weighted, &mean) == FOCAL_OK
              && fabs(mean - weighted_sum / weight_sum) <= 1e-6 * weighted_sum / weight_sum,
          "weighted mean %.9g, expected %.9g", mean, weighted_sum / weight_sum);
    focal_options normalized = plain;
    normalized.reduction = FOCAL_REDUCTION_NORMALIZED;
    normalized.normalizer = 3.5;
    float normalized_sum;
    CHECK(focal_sigmoid_forward_f32(x + 21, y + 21, N - 21, &normalized, &normalized_sum) == FOCAL_OK
              && fabs(normalized_sum - plain_sum / 3.5) <= 1e-6 * plain_sum / 3.5,
          "normalized %.9g, expected %.9g", normalized_sum, plain_sum / 3.5);
    normalized.normalizer = 0;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &normalized, &normalized_sum), FOCAL_ERROR_INVALID_ARGUMENT,
                 "normalizer", "normalizer 0");

    /* Per-class alpha: element i has class i % C; equal classes are the scalar alpha bit for bit. */
    double class_alpha[C] = {0.1, 0.25, 0.5, 0.75, 0.9, 0.0, 1.0};
    focal_options per_class = plain;
    per_class.class_alpha = class_alpha;
    per_class.num_classes = C;
    CHECK(focal_sigmoid_forward_f32(x + 21, y + 21, N - 21, &per_class, wloss) == FOCAL_OK, "class alpha: %s",
          last_error());
    double worst = 0;
    for (int i = 0; i < N - 21; i++) {
        double expected = ref_loss(x[21 + i], y[21 + i], 2.0, class_alpha[i % C]);
        if (fabs(expected) >= 1e-30) worst = fmax(worst, fabs(wloss[i] - expected) / fabs(expected));
    }
    CHECK(worst <= 2e-6, "class alpha: relative error %.3g", worst);
    /* More classes than the library expands into one table (1024): the table is read per block instead. */
    enum { MANY = 1500 };
    static double many_alpha[MANY];
    static float many_x[3 * MANY + 17], many_y[3 * MANY + 17], many_loss[3 * MANY + 17];
    for (int c = 0; c < MANY; c++) many_alpha[c] = uniform();
    for (int i = 0; i < 3 * MANY + 17; i++) {
        many_x[i] = (float)((uniform() - 0.5) * 20);
        many_y[i] = (float)(uniform() < 0.3);
    }
    per_class.class_alpha = many_alpha;
    per_class.num_classes = MANY;
    CHECK(focal_sigmoid_forward_f32(many_x, many_y, 3 * MANY + 17, &per_class, many_loss) == FOCAL_OK, "%s", last_error());
    worst = 0;
    for (int i = 0; i < 3 * MANY + 17; i++) {
        double expected = ref_loss(many_x[i], many_y[i], 2.0, many_alpha[i % MANY]);
        if (fabs(expected) >= 1e-30) worst = fmax(worst, fabs(many_loss[i] - expected) / fabs(expected));
    }
    CHECK(worst <= 2e-6, "1500 classes: relative error %.3g", worst);
    per_class.num_classes = C;

    double equal_alpha[C] = {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
    per_class.class_alpha = equal_alpha;
    focal_sigmoid_forward_backward_f32(x, y, N, &per_class, wloss, wgrad);
    CHECK(memcmp(loss, wloss, sizeof loss) == 0 && memcmp(grad, wgrad, sizeof grad) == 0,
          "equal class alphas differ from the scalar alpha");

    /* The options' rules. */
    focal_options bad = plain;
    bad.struct_size = 8;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &bad, loss), FOCAL_ERROR_INVALID_ARGUMENT, "struct_size", "struct_size");
    bad = plain;
    bad.class_alpha = class_alpha;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &bad, loss), FOCAL_ERROR_INVALID_ARGUMENT, "num_classes",
                 "class_alpha without num_classes");
    class_alpha[3] = 1.5;
    bad.num_classes = C;
    expect_error(focal_sigmoid_forward_f32(x, y, N, &bad, loss), FOCAL_ERROR_INVALID_ARGUMENT, "options->class_alpha[3]",
                 "class alpha 1.5");
    float bad_w[4] = {1, 1, -1, 1};
    bad = plain;
    bad.weights = bad_w;
    expect_error(focal_sigmoid_forward_f32(x, y, 4, &bad, loss), FOCAL_ERROR_INVALID_ARGUMENT, "weights[2] = -1",
                 "negative weight");
    bad_w[2] = NAN;
    bad.reduction = FOCAL_REDUCTION_WEIGHTED_MEAN;
    expect_error(focal_sigmoid_forward_f32(x, y, 4, &bad, loss), FOCAL_ERROR_INVALID_ARGUMENT, "weights[2]",
                 "NaN weight in a weighted mean");
    bad = plain;
    bad.weights = x;
    expect_error(focal_sigmoid_forward_f32(y, y, 4, &bad, x), FOCAL_ERROR_INVALID_ARGUMENT, "overlap options->weights",
                 "out over weights");
    bad = plain;
    bad.reduction = FOCAL_REDUCTION_MEAN;
    expect_error(focal_sigmoid_forward_backward_f32(x, y, 4, &bad, &grad[2], grad), FOCAL_ERROR_INVALID_ARGUMENT,
                 "grad_logits", "reduced loss inside grad_logits");
    /* Every reduction and element type: the reduced loss would overwrite a gradient value (first, middle, last). */
    double xd[4] = {0.1, -2, 3, 0}, yd[4] = {0, 1, 0.5, 1}, grad_d[4];
    uint16_t x16[4] = {0x3C00, 0xC000, 0x4200, 0}, y16[4] = {0, 0x3C00, 0x3800, 0x3C00}, grad16[4];
    for (int32_t reduction = FOCAL_REDUCTION_SUM; reduction <= FOCAL_REDUCTION_WEIGHTED_MEAN; reduction++) {
        bad = plain;
        bad.weights = NULL;
        bad.reduction = reduction;
        bad.normalizer = 2;
        for (int at = 0; at < 4; at += 3) {
            expect_error(focal_sigmoid_forward_backward_f32(x, y, 4, &bad, &grad[at], grad), FOCAL_ERROR_INVALID_ARGUMENT,
                         "loss must not point into grad_logits", "f32 reduced loss inside grad_logits");
            expect_error(focal_sigmoid_forward_backward_f64(xd, yd, 4, &bad, &grad_d[at], grad_d), FOCAL_ERROR_INVALID_ARGUMENT,
                         "loss must not point into grad_logits", "f64 reduced loss inside grad_logits");
            expect_error(focal_sigmoid_forward_backward_f16(x16, y16, 4, &bad, &grad16[at], grad16), FOCAL_ERROR_INVALID_ARGUMENT,
                         "loss must not point into grad_logits", "f16 reduced loss inside grad_logits");
            expect_error(focal_sigmoid_forward_backward_bf16(x16, y16, 4, &bad, &grad16[at], grad16), FOCAL_ERROR_INVALID_ARGUMENT,
                         "loss must not point into grad_logits", "bf16 reduced loss inside grad_logits");
        }
        float after = 0;
        CHECK(focal_sigmoid_forward_backward_f32(x, y, 4, &bad, &after, grad) == FOCAL_OK, "a reduced loss beside grad_logits: %s",
              last_error());
    }
}

/* float16 and bfloat16 data: each result is the float result rounded once; reductions agree. */
static void half_precision_tests(void) {
    enum { N = 517 };
    static float x[N], y[N], loss[N], grad[N], mean_grad[N];
    static uint16_t hx[N], hy[N], hloss[N], hgrad[N], bx[N], by[N], bloss[N], bgrad[N];
    for (int i = 0; i < N; i++) {
        float xi = (float)((uniform() - 0.5) * 30), yi = (float)uniform();
        hx[i] = to_f16(xi);
        hy[i] = to_f16(yi);
        bx[i] = to_bf16(xi);
        by[i] = to_bf16(yi);
    }
    for (int kind = 0; kind < 2; kind++) {
        const uint16_t *sx = kind == 0 ? hx : bx, *sy = kind == 0 ? hy : by;
        uint16_t *sloss = kind == 0 ? hloss : bloss, *sgrad = kind == 0 ? hgrad : bgrad;
        for (int i = 0; i < N; i++) {
            x[i] = kind == 0 ? from_f16(sx[i]) : from_bf16(sx[i]);
            y[i] = kind == 0 ? from_f16(sy[i]) : from_bf16(sy[i]);
        }
        focal_sigmoid_forward_backward_f32(x, y, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_NONE), loss, grad);
        int status = kind == 0
            ? focal_sigmoid_forward_backward_f16(sx, sy, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_NONE), sloss, sgrad)
            : focal_sigmoid_forward_backward_bf16(sx, sy, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_NONE), sloss, sgrad);
        CHECK(status == FOCAL_OK, "16-bit kind %d: %s", kind, last_error());
        int mismatches = 0;
        for (int i = 0; i < N; i++) {
            uint16_t el = kind == 0 ? to_f16(loss[i]) : to_bf16(loss[i]);
            uint16_t eg = kind == 0 ? to_f16(grad[i]) : to_bf16(grad[i]);
            mismatches += el != sloss[i] || eg != sgrad[i];
        }
        CHECK(mismatches == 0, "16-bit kind %d: %d elements are not the float result rounded once", kind, mismatches);

        float mean;
        uint16_t smean;
        focal_sigmoid_forward_backward_f32(x, y, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_MEAN), &mean, mean_grad);
        status = kind == 0 ? focal_sigmoid_forward_f16(sx, sy, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_MEAN), &smean)
                           : focal_sigmoid_forward_bf16(sx, sy, N, OPTS(1.5, 0.25, FOCAL_REDUCTION_MEAN), &smean);
        float widened = kind == 0 ? from_f16(smean) : from_bf16(smean);
        double unit = kind == 0 ? 1.0 / 2048 : 1.0 / 256; /* half an ulp, relative */
        CHECK(status == FOCAL_OK && fabs(widened - mean) <= unit * fabs(mean), "16-bit kind %d mean %.6g vs %.6g", kind,
              widened, mean);
    }
}

enum { THREADED_N = 300001 };
static float threaded_x[THREADED_N], threaded_y[THREADED_N], threaded_expected[THREADED_N];
static float threaded_expected_mean;

static void thread_counts(void) {
    static float out[THREADED_N];
    for (int i = 0; i < THREADED_N; i++) {
        threaded_x[i] = (float)logit_sample((size_t)i);
        threaded_y[i] = (float)(uniform() < 0.1);
    }
    CHECK(focal_set_num_threads(1) == FOCAL_OK, "one thread");
    focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 0), threaded_expected);
    focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 2), &threaded_expected_mean);
    for (int threads = 2; threads <= 8; threads *= 2) {
        float mean;
        CHECK(focal_set_num_threads(threads) == FOCAL_OK, "%d threads", threads);
        focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 0), out);
        focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 2), &mean);
        CHECK(memcmp(out, threaded_expected, sizeof out) == 0 && mean == threaded_expected_mean,
              "%d threads change the results", threads);
    }
    expect_error(focal_set_num_threads(-1), FOCAL_ERROR_INVALID_ARGUMENT, "threads", "negative thread count");
    CHECK(focal_set_num_threads(0) == FOCAL_OK, "0 threads = one per processor");
}

/* Many callers at once: each checks its results, and its own error message stays its own. */
static void *concurrent_caller(void *argument) {
    intptr_t id = (intptr_t)argument;
    static float outs[8][THREADED_N];
    float *out = outs[id];
    intptr_t failures = 0;
    for (int round = 0; round < 3; round++) {
        float mean;
        failures += focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 0), out) != FOCAL_OK;
        failures += memcmp(out, threaded_expected, sizeof outs[0]) != 0;
        failures += focal_sigmoid_forward_f32(threaded_x, threaded_y, THREADED_N, OPTS(2, 0.25, 2), &mean) != FOCAL_OK;
        failures += mean != threaded_expected_mean;
        char expected_fragment[32], message[256];
        snprintf(expected_fragment, sizeof expected_fragment, "= %d must be", -(int)id - 1);
        focal_set_num_threads(-(int)id - 1);
        focal_last_error_message(message, sizeof message, NULL);
        failures += strstr(message, expected_fragment) == NULL;
    }
    return (void *)failures;
}

static void concurrent_callers(void) {
    pthread_t threads[8];
    for (intptr_t i = 0; i < 8; i++) pthread_create(&threads[i], NULL, concurrent_caller, (void *)i);
    for (int i = 0; i < 8; i++) {
        void *failures;
        pthread_join(threads[i], &failures);
        CHECK(failures == NULL, "concurrent caller %d saw %ld failures", i, (long)(intptr_t)failures);
    }
}

/* ctest's SKIP_RETURN_CODE: the forced variant needs an ISA this CPU lacks. */
enum { EXIT_SKIPPED = 77 };

int main(void) {
    if (focal_abi_version() < 0 && strstr(last_error(), "not a variant this CPU runs") != NULL) {
        printf("SKIPPED: %s\n", last_error());
        return EXIT_SKIPPED;
    }
    CHECK(focal_abi_version() == FOCAL_ABI_VERSION, "ABI version %d, header %d (%s)", focal_abi_version(),
          FOCAL_ABI_VERSION, last_error());
    CHECK(strcmp(focal_version(), FOCAL_VERSION_STRING) == 0, "version '%s'", focal_version());
    const char *forced = getenv("FOCALAOT_VARIANT");
    if (forced != NULL && *forced != '\0')
        CHECK(strcmp(focal_loaded_variant(), forced) == 0, "loaded variant '%s', forced '%s'", focal_loaded_variant(), forced);
    else
        CHECK(focal_loaded_variant()[0] != '\0', "no loaded variant reported");
    value_tests_f32(0);
    value_tests_f32(1);
    value_tests_f64(0);
    value_tests_f64(1);
    special_values();
    empty_input();
    error_paths();
    message_wording();
    unaligned_pointers();
    isa_caps();
    gamma_and_nan_limits();
    options_tests();
    focal_family_tests();
    half_precision_tests();
    thread_counts();
    concurrent_callers();
    printf("ISA %d: %d passed, %d failed\n", focal_get_isa(), passed, failed);
    return failed == 0 ? 0 : 1;
}
