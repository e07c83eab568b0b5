/*
 * Tests of the softmax entries through the C ABI alone: values against a long-double reference written from the
 * definition, 16-bit data against the float entries, every target kind, label smoothing, class alphas, weights,
 * ignore_index, every reduction, the error paths, and the focal_options growth rules (an older, shorter struct is
 * read up to its end and never written past).
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal_aot.h"
#include "half_bits.h"
#include "check.h"

enum { ROWS = 7, CLASSES = 19 };

static const char *last_error(void) {
    static char buffer[1024];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static double uniform(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/*
 * One row's loss and gradient in long double, from the definition: log p_j = x_j - m - log(sum exp(x_i - m)),
 * 1 - p_j as the other classes' mass over the total, loss = sum_j mass_j (1 - p_j)^gamma (-log p_j), and the gradient
 * by the chain rule through the softmax. scale[k] receives the size of the gradient's two parts.
 */
static long double reference_row(const double *x, const double *mass, const double *poly, double gamma, double *gradient,
                                  double *scale, double *loss_scale) {
    long double m = -INFINITY, total = 0, loss = 0, loss_size = 0, slope_sum = 0, size_sum = 0;
    long double e[CLASSES], p[CLASSES], q[CLASSES], g[CLASSES], size[CLASSES];
    for (int j = 0; j < CLASSES; j++) m = fmaxl(m, x[j]);
    for (int j = 0; j < CLASSES; j++) total += e[j] = expl((long double)x[j] - m);
    for (int j = 0; j < CLASSES; j++) {
        long double others = 0;
        for (int i = 0; i < CLASSES; i++)
            if (i != j) others += e[i];
        p[j] = e[j] / total;
        q[j] = others / total;
        long double minus_log_p = (m - x[j]) + logl(total);
        long double gamma_j = gamma >= 0 ? gamma : (p[j] < 0.2L ? 5 : 3); /* gamma < 0: FLSD-53 */
        long double modulation = gamma_j == 0 ? 1 : powl(q[j], gamma_j);
        long double focal = mass[j] * modulation * minus_log_p, polynomial = poly[j] * modulation * q[j];
        long double focal_slope = mass[j] * modulation * (1 + (q[j] == 0 ? gamma_j : gamma_j * p[j] * minus_log_p / q[j]));
        long double poly_slope = poly[j] * (gamma_j + 1) * modulation * p[j];
        loss += focal + polynomial;
        loss_size += fabsl(focal) + fabsl(polynomial);
        g[j] = focal_slope + poly_slope;
        size[j] = fabsl(focal_slope) + fabsl(poly_slope);
        slope_sum += g[j];
        size_sum += size[j];
    }
    for (int k = 0; k < CLASSES; k++) {
        gradient[k] = (double)(p[k] * (slope_sum - g[k]) - q[k] * g[k]);
        scale[k] = (double)(p[k] * (size_sum - size[k]) + q[k] * size[k]);
    }
    *loss_scale = (double)loss_size;
    return loss;
}

/* The inputs of one configuration and its reference, per row. */
typedef struct {
    double logits[ROWS * CLASSES], probabilities[ROWS * CLASSES], weights[ROWS], class_alpha[CLASSES];
    int32_t indices[ROWS];
    int64_t indices64[ROWS];
    double losses[ROWS], loss_scale[ROWS], gradient[ROWS * CLASSES], scale[ROWS * CLASSES];
} inputs;

static void make_inputs(inputs *in, const focal_options *o, int soft) {
    for (int i = 0; i < ROWS * CLASSES; i++) {
        double spread = i % 5 == 0 ? 60.0 : 8.0;
        in->logits[i] = (double)(float)((uniform() - 0.5) * spread);
        in->probabilities[i] = (double)(float)uniform();
    }
    in->logits[2 * CLASSES + 3] = 1e4; /* a confident row: p_t -> 1 */
    for (int r = 0; r < ROWS; r++) {
        in->indices[r] = r == 4 ? (int32_t)o->ignore_index : (int32_t)((r * 7 + 3) % CLASSES);
        in->indices64[r] = in->indices[r];
        in->weights[r] = (double)(float)(uniform() * 2);
    }
    in->indices[2] = 3;
    in->indices64[2] = 3;
    for (int c = 0; c < CLASSES; c++) in->class_alpha[c] = 0.25 + c * 0.1;
    for (int r = 0; r < ROWS; r++) {
        double mass[CLASSES], poly[CLASSES];
        int ignored = !soft && in->indices[r] == o->ignore_index;
        double w = o->weights ? in->weights[r] : 1.0;
        for (int c = 0; c < CLASSES; c++) {
            double y = soft ? in->probabilities[r * CLASSES + c] : (in->indices[r] == c ? 1.0 : 0.0);
            double a = o->class_alpha ? in->class_alpha[c] : (o->alpha < 0 ? 1.0 : o->alpha);
            mass[c] = ignored ? 0 : w * a * ((1 - o->label_smoothing) * y + o->label_smoothing / CLASSES);
            poly[c] = ignored ? 0 : w * o->poly_epsilon * ((1 - o->label_smoothing) * y + o->label_smoothing / CLASSES);
        }
        double gamma = o->sample_dependent_gamma ? -1 : o->gamma;
        in->losses[r] = (double)reference_row(&in->logits[r * CLASSES], mass, poly, gamma, &in->gradient[r * CLASSES],
                                              &in->scale[r * CLASSES], &in->loss_scale[r]);
    }
}

static int close_to(double actual, double expected, double scale, double tolerance) {
    return actual == expected || fabs(actual - expected) <= tolerance * scale + 1e-30;
}

/* Per-row losses and gradients of every target kind against the reference, for one set of options. */
static void check_values(focal_options *o, const char *what) {
    for (int soft = 0; soft <= 1; soft++) {
        static inputs in;
        make_inputs(&in, o, soft);
        float x32[ROWS * CLASSES], y32[ROWS * CLASSES], w32[ROWS], loss32[ROWS], grad32[ROWS * CLASSES];
        double loss64[ROWS], grad64[ROWS * CLASSES];
        for (int i = 0; i < ROWS * CLASSES; i++) {
            x32[i] = (float)in.logits[i];
            y32[i] = (float)in.probabilities[i];
        }
        for (int r = 0; r < ROWS; r++) w32[r] = (float)in.weights[r];
        const double *class_alpha = o->class_alpha ? in.class_alpha : NULL;
        int weighted = o->weights != NULL;

        focal_options o32 = *o, o64 = *o;
        o32.class_alpha = o64.class_alpha = class_alpha;
        o32.weights = weighted ? (const void *)w32 : NULL;
        o64.weights = weighted ? (const void *)in.weights : NULL;
        const void *targets32 = soft ? (const void *)y32 : (const void *)in.indices;
        const void *targets64 = soft ? (const void *)in.probabilities : (const void *)in.indices64;
        int kind32 = soft ? FOCAL_TARGET_PROBABILITIES : FOCAL_TARGET_INDEX_I32;
        int kind64 = soft ? FOCAL_TARGET_PROBABILITIES : FOCAL_TARGET_INDEX_I64;

        CHECK(focal_softmax_forward_backward_f32(x32, ROWS, CLASSES, targets32, kind32, &o32, loss32, grad32) == FOCAL_OK,
              "%s f32: %s", what, last_error());
        CHECK(focal_softmax_forward_backward_f64(in.logits, ROWS, CLASSES, targets64, kind64, &o64, loss64, grad64) == FOCAL_OK,
              "%s f64: %s", what, last_error());
        for (int r = 0; r < ROWS; r++) {
            CHECK(close_to(loss32[r], in.losses[r], in.loss_scale[r], 4e-6), "%s soft=%d f32 loss[%d] %.9g vs %.9g", what,
                  soft, r, loss32[r], in.losses[r]);
            CHECK(close_to(loss64[r], in.losses[r], in.loss_scale[r], 1e-12), "%s soft=%d f64 loss[%d] %.17g vs %.17g", what,
                  soft, r, loss64[r], in.losses[r]);
        }
        for (int i = 0; i < ROWS * CLASSES; i++) {
            CHECK(close_to(grad32[i], in.gradient[i], in.scale[i], 4e-6), "%s soft=%d f32 grad[%d] %.9g vs %.9g", what, soft, i,
                  grad32[i], in.gradient[i]);
            CHECK(close_to(grad64[i], in.gradient[i], in.scale[i], 1e-12), "%s soft=%d f64 grad[%d] %.17g vs %.17g", what, soft,
                  i, grad64[i], in.gradient[i]);
        }

        /* forward and backward alone give the fused call's bits; grad_out = NULL is an upstream of ones. */
        float out32[ROWS], back32[ROWS * CLASSES];
        CHECK(focal_softmax_forward_f32(x32, ROWS, CLASSES, targets32, kind32, &o32, out32) == FOCAL_OK, "%s", last_error());
        CHECK(memcmp(out32, loss32, sizeof out32) == 0, "%s soft=%d forward differs from forward_backward", what, soft);
        CHECK(focal_softmax_backward_f32(x32, ROWS, CLASSES, targets32, kind32, &o32, NULL, back32) == FOCAL_OK, "%s",
              last_error());
        CHECK(memcmp(back32, grad32, sizeof back32) == 0, "%s soft=%d backward differs from forward_backward", what, soft);

        /* Reductions: the reference sums over the denominators of the header. */
        double sum = 0, size = 0, counted = 0, weight_sum = 0;
        for (int r = 0; r < ROWS; r++) {
            int ignored = !soft && in.indices[r] == o->ignore_index;
            if (ignored) continue;
            double w = weighted ? in.weights[r] : 1.0, a = 0;
            for (int c = 0; c < CLASSES; c++) {
                double y = soft ? in.probabilities[r * CLASSES + c] : (in.indices[r] == c ? 1.0 : 0.0);
                a += y * (class_alpha ? class_alpha[c] : (o->alpha < 0 ? 1.0 : o->alpha));
            }
            sum += in.losses[r];
            size += in.loss_scale[r];
            counted += 1;
            weight_sum += w * a;
        }
        const struct {
            int32_t reduction;
            double denominator;
        } reductions[] = {{FOCAL_REDUCTION_SUM, 1},
                          {FOCAL_REDUCTION_MEAN, counted},
                          {FOCAL_REDUCTION_NORMALIZED, 3.5},
                          {FOCAL_REDUCTION_WEIGHTED_MEAN, weight_sum}};
        for (size_t k = 0; k < sizeof reductions / sizeof reductions[0]; k++) {
            focal_options reduced = o64;
            reduced.reduction = reductions[k].reduction;
            reduced.normalizer = 3.5;
            double value = 0, grad[ROWS * CLASSES];
            CHECK(focal_softmax_forward_backward_f64(in.logits, ROWS, CLASSES, targets64, kind64, &reduced, &value, grad) == FOCAL_OK,
                  "%s", last_error());
            double denominator = reductions[k].denominator, expected = sum / denominator;
            CHECK(close_to(value, expected, size / denominator, 1e-12), "%s soft=%d reduction %d: %.17g vs %.17g", what, soft,
                  reductions[k].reduction, value, expected);
            CHECK(close_to(grad[3], in.gradient[3] / denominator, in.scale[3] / denominator, 1e-12),
                  "%s soft=%d reduction %d: gradient %.17g vs %.17g", what, soft, reductions[k].reduction, grad[3],
                  in.gradient[3] / denominator);
        }
    }
}

static void check_errors(void) {
    float x[2 * 3] = {0, 1, 2, 3, 4, 5}, out[2], grad[6];
    int32_t targets[2] = {0, 3};
    focal_options o;
    focal_options_init(&o);
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "targets[1] = 3") != NULL && strstr(last_error(), "options->ignore_index (-100)") != NULL &&
              strstr(last_error(), "ignoreIndex") == NULL,
          "an out-of-range class index names the row and options->ignore_index: %s", last_error());
    targets[1] = -7;
    o.ignore_index = -7;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_OK && out[1] == 0,
          "a custom ignore_index skips its row: %s", last_error());
    CHECK(focal_softmax_forward_f32(x, 2, 0, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "classes") != NULL,
          "classes = 0: %s", last_error());
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, 7, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "target_kind") != NULL,
          "an unknown target kind: %s", last_error());
    CHECK(focal_softmax_forward_f32(x, 2, 3, NULL, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_NULL_POINTER &&
              strstr(last_error(), "targets") != NULL,
          "NULL targets: %s", last_error());
    CHECK(focal_softmax_forward_f32(x, (size_t)1 << 40, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT,
          "rows * classes above INT32_MAX: %s", last_error());
    o.label_smoothing = 1.5;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->label_smoothing") != NULL,
          "label_smoothing 1.5: %s", last_error());
    float y[4] = {0, 1, 0, 1};
    o.label_smoothing = 0.1;
    CHECK(focal_sigmoid_forward_f32(x, y, 4, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->label_smoothing") != NULL,
          "the sigmoid entries refuse label smoothing: %s", last_error());
    o.label_smoothing = 0;
    double class_alpha[2] = {1, 1};
    o.class_alpha = class_alpha;
    o.num_classes = 2;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->class_alpha") != NULL,
          "num_classes != classes: %s", last_error());
    o.class_alpha = NULL;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_NULL_POINTER &&
              strstr(last_error(), "options->class_alpha is NULL but must point to num_classes alphas") != NULL,
          "num_classes without class_alpha: %s", last_error());
    o.num_classes = 0;
    o.reduction = FOCAL_REDUCTION_MEAN;
    CHECK(focal_softmax_forward_backward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, &grad[2], grad) ==
                  FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "loss must not point into grad_logits") != NULL,
          "a reduced loss inside the gradient: %s", last_error());
    targets[0] = targets[1] = -100;
    o.ignore_index = -100;
    float mean = 0;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, &o, &mean) == FOCAL_OK && isnan(mean),
          "the mean of only ignored rows is NaN: %g", mean);
}

/* A program built against the 0.2 header has a 64-byte struct: it is read up to its end and never written past. */
static void check_options_growth(void) {
    CHECK(sizeof(focal_options) == 104, "focal_options is %zu bytes", sizeof(focal_options));
    unsigned char bytes[sizeof(focal_options) + 16];
    memset(bytes, 0xA5, sizeof bytes);
    focal_options *old = (focal_options *)bytes;
    CHECK((focal_options_init)(old) == FOCAL_OK && old->struct_size == 64, "the 0.2 entry: struct_size %zu", old->struct_size);
    int untouched = 1;
    for (size_t i = 64; i < sizeof bytes; i++) untouched &= bytes[i] == 0xA5;
    CHECK(untouched, "the 0.2 entry wrote past 64 bytes");

    memset(bytes, 0xA5, sizeof bytes);
    CHECK(focal_options_init_sized(old, 72) == FOCAL_OK && old->struct_size == 72 && old->label_smoothing == 0,
          "a 72-byte struct: %s", last_error());
    untouched = 1;
    for (size_t i = 72; i < sizeof bytes; i++) untouched &= bytes[i] == 0xA5;
    CHECK(untouched, "focal_options_init_sized wrote past struct_size");
    CHECK(focal_options_init_sized(old, 63) == FOCAL_ERROR_INVALID_ARGUMENT && strstr(last_error(), "struct_size") != NULL,
          "a struct below 64 bytes: %s", last_error());

    /* A 64-byte struct with garbage after it: ignore_index keeps its default (-100), so row 1 is ignored. */
    memset(bytes, 0xA5, sizeof bytes);
    (focal_options_init)(old);
    float x[6] = {0, 1, 2, 3, 4, 5}, out[2] = {1, 1};
    int32_t targets[2] = {1, -100};
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, old, out) == FOCAL_OK && out[0] > 0 && out[1] == 0,
          "a 0.2 struct reads defaults for the later fields: %s", last_error());
    /* A 96-byte struct (before spatial) with garbage after it: spatial keeps its default, 1. */
    memset(bytes, 0xA5, sizeof bytes);
    CHECK(focal_options_init_sized(old, 96) == FOCAL_OK && old->struct_size == 96, "a 96-byte struct: %s", last_error());
    targets[1] = 2;
    CHECK(focal_softmax_forward_f32(x, 2, 3, targets, FOCAL_TARGET_INDEX_I32, old, out) == FOCAL_OK && out[1] > 0,
          "a 96-byte struct reads spatial 1: %s", last_error());
    focal_options full;
    focal_options_init(&full);
    CHECK(full.struct_size == sizeof full && full.ignore_index == -100 && full.label_smoothing == 0 && full.poly_epsilon == 0,
          "focal_options_init");
    full.label_smoothing = 0.1;
    CHECK(focal_sigmoid_forward_f32(x, x, 2, &full, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->label_smoothing") != NULL,
          "the sigmoid entries refuse label_smoothing: %s", last_error());
}

/* 16-bit data: each result is the float entry's result on the widened data, rounded once to 16 bits. */
static void check_sixteen_bit(void) {
    enum { N = ROWS * CLASSES };
    float x32[N], w32[ROWS], loss32[ROWS], grad32[N];
    uint16_t x16[N], w16[ROWS], loss16[ROWS], grad16[N];
    int64_t targets[ROWS];
    focal_options o;
    focal_options_init(&o);
    o.label_smoothing = 0.1;
    o.gamma = 1.5;
    for (int kind = 0; kind < 2; kind++) {
        uint16_t (*narrow)(float) = kind == 0 ? float_to_f16 : float_to_bf16;
        float (*widen)(uint16_t) = kind == 0 ? f16_to_float : bf16_to_float;
        for (int i = 0; i < N; i++) {
            x16[i] = narrow((float)((uniform() - 0.5) * 12));
            x32[i] = widen(x16[i]);
        }
        for (int r = 0; r < ROWS; r++) {
            targets[r] = (r * 5 + 1) % CLASSES;
            w16[r] = narrow((float)(uniform() * 2));
            w32[r] = widen(w16[r]);
        }
        focal_options o16 = o, o32 = o;
        o16.weights = w16;
        o32.weights = w32;
        CHECK(focal_softmax_forward_backward_f32(x32, ROWS, CLASSES, targets, FOCAL_TARGET_INDEX_I64, &o32, loss32, grad32) ==
                  FOCAL_OK,
              "%s", last_error());
        focal_status status = kind == 0
            ? focal_softmax_forward_backward_f16(x16, ROWS, CLASSES, targets, FOCAL_TARGET_INDEX_I64, &o16, loss16, grad16)
            : focal_softmax_forward_backward_bf16(x16, ROWS, CLASSES, targets, FOCAL_TARGET_INDEX_I64, &o16, loss16, grad16);
        CHECK(status == FOCAL_OK, "%s: %s", kind == 0 ? "f16" : "bf16", last_error());
        int same = 1;
        for (int r = 0; r < ROWS; r++) same &= loss16[r] == narrow(loss32[r]);
        for (int i = 0; i < N; i++) same &= grad16[i] == narrow(grad32[i]);
        CHECK(same, "%s results are not the float results rounded once", kind == 0 ? "f16" : "bf16");
    }
}

/* [N, C, S] logits (options->spatial = S): each sample (n, s) gives the bits of its gathered row of classes, per
 * sample and reduced, for class-index and probability targets, with weights and label smoothing. */
static void check_spatial(void) {
    enum { N = 3, C = 5, S = 7, SAMPLES = N * S, SIZE = N * C * S };
    float x[SIZE], rows[SIZE], probabilities[SIZE], row_probabilities[SIZE], w[SAMPLES];
    int64_t labels[SAMPLES];
    for (int i = 0; i < SIZE; i++) {
        x[i] = (float)((uniform() - 0.5) * 16);
        probabilities[i] = (float)uniform();
    }
    for (int r = 0; r < SAMPLES; r++) {
        labels[r] = r % 6 == 5 ? -100 : (int64_t)(uniform() * C);
        w[r] = (float)(uniform() * 2);
    }
    for (int n = 0; n < N; n++)
        for (int j = 0; j < C; j++)
            for (int s = 0; s < S; s++) {
                rows[(n * S + s) * C + j] = x[(n * C + j) * S + s];
                row_probabilities[(n * S + s) * C + j] = probabilities[(n * C + j) * S + s];
            }
    for (int kind = 0; kind < 2; kind++) {
        const void *strided_targets = kind == 0 ? (const void *)labels : (const void *)probabilities;
        const void *row_targets = kind == 0 ? (const void *)labels : (const void *)row_probabilities;
        int target_kind = kind == 0 ? FOCAL_TARGET_INDEX_I64 : FOCAL_TARGET_PROBABILITIES;
        focal_options o;
        focal_options_init(&o);
        o.label_smoothing = 0.05;
        o.weights = w;
        float loss[SAMPLES], row_loss[SAMPLES], grad[SIZE], row_grad[SIZE];
        o.spatial = S;
        CHECK(focal_softmax_forward_backward_f32(x, N, C, strided_targets, target_kind, &o, loss, grad) == FOCAL_OK,
              "spatial kind %d: %s", kind, last_error());
        o.spatial = 1;
        CHECK(focal_softmax_forward_backward_f32(rows, SAMPLES, C, row_targets, target_kind, &o, row_loss, row_grad) == FOCAL_OK,
              "rows kind %d: %s", kind, last_error());
        int differ = memcmp(loss, row_loss, sizeof loss) != 0;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < C; j++)
                for (int s = 0; s < S; s++)
                    differ |= memcmp(&grad[(n * C + j) * S + s], &row_grad[(n * S + s) * C + j], sizeof(float)) != 0;
        CHECK(!differ, "kind %d: [N, C, S] results differ from the gathered rows", kind);

        float mean, row_mean;
        o.reduction = FOCAL_REDUCTION_MEAN;
        o.spatial = S;
        CHECK(focal_softmax_forward_f32(x, N, C, strided_targets, target_kind, &o, &mean) == FOCAL_OK, "%s", last_error());
        o.spatial = 1;
        CHECK(focal_softmax_forward_f32(rows, SAMPLES, C, row_targets, target_kind, &o, &row_mean) == FOCAL_OK, "%s", last_error());
        CHECK(memcmp(&mean, &row_mean, sizeof mean) == 0, "kind %d: mean %.9g vs rows %.9g", kind, mean, row_mean);
    }

    focal_options o;
    focal_options_init(&o);
    float out[SAMPLES];
    o.spatial = 0;
    CHECK(focal_softmax_forward_f32(x, N, C, labels, FOCAL_TARGET_INDEX_I64, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->spatial") != NULL,
          "spatial 0: %s", last_error());
    o.spatial = S;
    CHECK(focal_sigmoid_forward_f32(x, x, 4, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT && strstr(last_error(), "options->spatial") != NULL,
          "the sigmoid entries refuse spatial: %s", last_error());
    labels[4] = C;
    CHECK(focal_softmax_forward_f32(x, N, C, labels, FOCAL_TARGET_INDEX_I64, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "targets[4]") != NULL,
          "a bad target names its sample: %s", last_error());
}

int main(void) {
    focal_options o;
    focal_options_init(&o);
    check_values(&o, "defaults");
    o.gamma = 0;
    o.alpha = -1;
    check_values(&o, "cross-entropy");
    o.gamma = 0.5;
    o.alpha = 0.25;
    o.label_smoothing = 0.1;
    check_values(&o, "gamma 0.5, smoothing");
    static double class_alpha[CLASSES];
    o.gamma = 2.7;
    o.class_alpha = class_alpha;
    o.num_classes = CLASSES;
    o.weights = (const void *)1; /* make_inputs supplies the weights */
    o.label_smoothing = 0;
    check_values(&o, "gamma 2.7, class alpha, weights");
    o.label_smoothing = 0.3;
    o.ignore_index = 5;
    check_values(&o, "gamma 2.7, class alpha, weights, smoothing, ignore_index 5");
    o.poly_epsilon = 1.0;
    check_values(&o, "Poly-1, epsilon 1");
    o.class_alpha = NULL;
    o.num_classes = 0;
    o.weights = NULL;
    o.label_smoothing = 0;
    o.poly_epsilon = -1.0;
    check_values(&o, "Poly-1, epsilon -1");
    o.poly_epsilon = 0;
    o.gamma = 2; /* the default, which FLSD-53 requires */
    o.sample_dependent_gamma = 1;
    check_values(&o, "FLSD-53");
    o.label_smoothing = 0.2;
    o.poly_epsilon = 1;
    check_values(&o, "FLSD-53, smoothing, Poly-1");
    o.gamma = 3;
    float xs[3] = {0, 1, 2}, out[1];
    int32_t label = 1;
    CHECK(focal_softmax_forward_f32(xs, 1, 3, &label, FOCAL_TARGET_INDEX_I32, &o, out) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "options->gamma must keep its default") != NULL,
          "FLSD-53 with a gamma: %s", last_error());
    check_sixteen_bit();
    check_errors();
    check_options_growth();
    check_spatial();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
