/*
 * Tests of the calibration entries through the C ABI alone: every metric against a double reference written here from
 * the definitions (scikit-learn's bin edges: k * (1.0 / bins) and a search for the edges strictly below a confidence),
 * float data against the same reference of the widened values, lengths around the vector widths, the temperature
 * against a golden-section search of the NLL, and the error paths (statuses and messages naming the C argument).
 * Prints one line per failed check and a summary; exits non-zero if any check failed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal_aot.h"
#include "check.h"

enum { MAX_N = 70000, CLASSES = 7, MAX_BINS = 64 };

static const char *last_error(void) {
    static char buffer[1024];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static int close_to(double actual, double expected, double tolerance) {
    return fabs(actual - expected) <= tolerance * fmax(1.0, fabs(expected));
}

/* The equal-width bin of c: the number of edges k * (1.0 / bins), k = 1 .. bins - 1, strictly below c. */
static int reference_bin(double c, int bins) {
    int bin = 0;
    for (int k = 1; k < bins; k++)
        if (k * (1.0 / bins) < c) bin++;
    return bin;
}

/* Per bin: count, sum of confidences, sum of labels (equal width). */
static void reference_bins(const double *c, const uint8_t *y, size_t n, int bins, double *count, double *sum_c,
                           double *sum_y) {
    for (int b = 0; b < bins; b++) count[b] = sum_c[b] = sum_y[b] = 0;
    for (size_t i = 0; i < n; i++) {
        int b = reference_bin(c[i], bins);
        count[b] += 1;
        sum_c[b] += c[i];
        sum_y[b] += y[i];
    }
}

static double reference_ece(const double *c, const uint8_t *y, size_t n, int bins, double *mce) {
    double count[MAX_BINS], sum_c[MAX_BINS], sum_y[MAX_BINS], ece = 0;
    reference_bins(c, y, n, bins, count, sum_c, sum_y);
    *mce = 0;
    for (int b = 0; b < bins; b++) {
        if (count[b] == 0) continue;
        double gap = fabs(sum_y[b] / count[b] - sum_c[b] / count[b]);
        ece += count[b] / (double)n * gap;
        if (gap > *mce) *mce = gap;
    }
    return ece;
}

static double c64[MAX_N], probabilities[MAX_N * CLASSES], top[MAX_N], column[MAX_N];
static float c32[MAX_N], probabilities32[MAX_N * CLASSES];
static uint8_t labels[MAX_N], one_vs_rest[MAX_N];
static int32_t classes_of[MAX_N];

static void binary_metrics(size_t n, int bins) {
    for (size_t i = 0; i < n; i++) {
        c32[i] = (float)uniform();
        c64[i] = c32[i];
        labels[i] = uniform() < c64[i] * c64[i] ? 1 : 0;
    }
    if (n > 3) c64[1] = c32[1] = 0.0f, c64[2] = c32[2] = 1.0f, c64[3] = c32[3] = 0.5f; /* ends and an edge */
    double mce, ece = reference_ece(c64, labels, n, bins, &mce), brier = 0, nll = 0, eps = ldexp(1, -52);
    for (size_t i = 0; i < n; i++) {
        double p = fmin(fmax(c64[i], eps), 1 - eps);
        brier += (c64[i] - labels[i]) * (c64[i] - labels[i]);
        nll -= log(labels[i] ? p : 1 - p);
    }
    brier /= n, nll /= n;
    double out32 = -1, out64 = -1;
    CHECK(focal_calibration_ece_f64(c64, labels, n, bins, FOCAL_BINNING_EQUAL_WIDTH, &out64) == FOCAL_OK, "%s", last_error());
    CHECK(focal_calibration_ece_f32(c32, labels, n, bins, FOCAL_BINNING_EQUAL_WIDTH, &out32) == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out64, ece, 1e-12), "ece_f64 n=%zu bins=%d: %.17g, reference %.17g", n, bins, out64, ece);
    CHECK(out32 == out64, "ece_f32 n=%zu bins=%d: %.17g, f64 of the same values %.17g", n, bins, out32, out64);
    CHECK(focal_calibration_mce_f64(c64, labels, n, bins, FOCAL_BINNING_EQUAL_WIDTH, &out64) == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out64, mce, 1e-12), "mce_f64 n=%zu bins=%d: %.17g, reference %.17g", n, bins, out64, mce);
    CHECK(focal_calibration_brier_f64(c64, labels, n, &out64) == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out64, brier, 1e-12), "brier_f64 n=%zu: %.17g, reference %.17g", n, out64, brier);
    CHECK(focal_calibration_nll_f64(c64, labels, n, &out64) == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out64, nll, 1e-12), "nll_f64 n=%zu: %.17g, reference %.17g", n, out64, nll);

    int64_t counts[MAX_BINS];
    double means[MAX_BINS], accuracies[MAX_BINS], count[MAX_BINS], sum_c[MAX_BINS], sum_y[MAX_BINS];
    reference_bins(c64, labels, n, bins, count, sum_c, sum_y);
    CHECK(focal_calibration_reliability_f32(c32, labels, n, bins, FOCAL_BINNING_EQUAL_WIDTH, counts, means, accuracies)
              == FOCAL_OK, "%s", last_error());
    for (int b = 0; b < bins; b++) {
        CHECK(counts[b] == (int64_t)count[b], "reliability n=%zu bin %d: count %lld, reference %g", n, b, (long long)counts[b],
              count[b]);
        if (count[b] > 0) {
            CHECK(close_to(means[b], sum_c[b] / count[b], 1e-12), "reliability bin %d: mean confidence %.17g", b, means[b]);
            CHECK(close_to(accuracies[b], sum_y[b] / count[b], 1e-12), "reliability bin %d: accuracy %.17g", b, accuracies[b]);
        } else {
            CHECK(isnan(means[b]) && isnan(accuracies[b]), "reliability bin %d is empty: its means must be NaN", b);
        }
    }
}

static void multiclass_metrics(size_t rows, int bins) {
    for (size_t r = 0; r < rows; r++) {
        double total = 0, *p = probabilities + r * CLASSES;
        for (int k = 0; k < CLASSES; k++) total += p[k] = exp(4 * uniform());
        for (int k = 0; k < CLASSES; k++) p[k] /= total, probabilities32[r * CLASSES + k] = (float)p[k];
        classes_of[r] = (int32_t)(uniform() * CLASSES);
        int best = 0;
        for (int k = 1; k < CLASSES; k++)
            if (p[k] > p[best]) best = k;
        top[r] = p[best];
        labels[r] = best == classes_of[r];
    }
    double mce, ece = reference_ece(top, labels, rows, bins, &mce), classwise = 0, brier = 0, out = -1;
    for (int k = 0; k < CLASSES; k++) {
        for (size_t r = 0; r < rows; r++) column[r] = probabilities[r * CLASSES + k], one_vs_rest[r] = classes_of[r] == k;
        double ignored;
        classwise += reference_ece(column, one_vs_rest, rows, bins, &ignored) / CLASSES;
    }
    for (size_t r = 0; r < rows; r++)
        for (int k = 0; k < CLASSES; k++) {
            double gap = probabilities[r * CLASSES + k] - (k == classes_of[r]);
            brier += gap * gap / rows;
        }
    CHECK(focal_calibration_ece_multiclass_f64(probabilities, classes_of, rows, CLASSES, bins, FOCAL_BINNING_EQUAL_WIDTH, &out)
              == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out, ece, 1e-12), "ece_multiclass rows=%zu: %.17g, reference %.17g", rows, out, ece);
    CHECK(focal_calibration_mce_multiclass_f64(probabilities, classes_of, rows, CLASSES, bins, FOCAL_BINNING_EQUAL_WIDTH, &out)
              == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out, mce, 1e-12), "mce_multiclass rows=%zu: %.17g, reference %.17g", rows, out, mce);
    CHECK(focal_calibration_classwise_ece_f64(probabilities, classes_of, rows, CLASSES, bins, FOCAL_BINNING_EQUAL_WIDTH, &out)
              == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out, classwise, 1e-12), "classwise_ece rows=%zu: %.17g, reference %.17g", rows, out, classwise);
    CHECK(focal_calibration_brier_multiclass_f64(probabilities, classes_of, rows, CLASSES, &out) == FOCAL_OK, "%s", last_error());
    CHECK(close_to(out, brier, 1e-12), "brier_multiclass rows=%zu: %.17g, reference %.17g", rows, out, brier);
    double out32 = -1;
    CHECK(focal_calibration_nll_multiclass_f32(probabilities32, classes_of, rows, CLASSES, &out32) == FOCAL_OK, "%s", last_error());
    double nll32 = 0;
    for (size_t r = 0; r < rows; r++) nll32 -= log((double)probabilities32[r * CLASSES + classes_of[r]]) / rows;
    CHECK(close_to(out32, nll32, 1e-12), "nll_multiclass_f32 rows=%zu: %.17g, reference %.17g", rows, out32, nll32);
}

/* Mean NLL of softmax(logits / t) and its derivative in t, in long double. */
static long double softmax_nll(const double *logits, const int32_t *y, size_t rows, long double t, long double *slope) {
    long double loss = 0, d = 0;
    for (size_t r = 0; r < rows; r++) {
        const double *z = logits + r * CLASSES;
        long double m = z[0], s = 0, e = 0;
        for (int k = 1; k < CLASSES; k++) m = fmaxl(m, z[k]);
        for (int k = 0; k < CLASSES; k++) {
            long double w = expl((z[k] - m) / t);
            s += w;
            e += w * z[k];
        }
        loss += logl(s) - (z[y[r]] - m) / t;
        d += (z[y[r]] - e / s) / (t * t); /* dL/dt = (z_y - E_p[z]) / t^2 */
    }
    *slope = d / rows;
    return loss / rows;
}

static void temperature(void) {
    enum { ROWS = 3000 };
    static double logits[ROWS * CLASSES];
    for (size_t r = 0; r < ROWS; r++) {
        classes_of[r] = (int32_t)(uniform() * CLASSES);
        for (int k = 0; k < CLASSES; k++) logits[r * CLASSES + k] = 3 * (uniform() - 0.5) + (k == classes_of[r] ? 2.5 : 0);
    }
    double fitted = -1;
    CHECK(focal_calibration_fit_temperature_multiclass_f64(logits, classes_of, ROWS, CLASSES, &fitted) == FOCAL_OK, "%s",
          last_error());
    /* Golden-section search on log t. */
    long double low = logl(0.01L), high = logl(100.0L), golden = (sqrtl(5.0L) - 1) / 2, slope;
    while (high - low > 1e-13L) {
        long double a = high - golden * (high - low), b = low + golden * (high - low);
        if (softmax_nll(logits, classes_of, ROWS, expl(a), &slope) < softmax_nll(logits, classes_of, ROWS, expl(b), &slope))
            high = b;
        else
            low = a;
    }
    double expected = (double)expl((low + high) / 2);
    CHECK(close_to(fitted, expected, 1e-6), "fit_temperature_multiclass: %.17g, golden section %.17g", fitted, expected);
    softmax_nll(logits, classes_of, ROWS, fitted, &slope);
    CHECK(fabsl(slope) < 1e-12L, "fit_temperature_multiclass: the NLL's derivative at %.17g is %Lg, not ~0", fitted, slope);

    /* Binary: logits with labels drawn from sigmoid(logit / 2); the derivative of the mean NLL must vanish. */
    static double z[ROWS];
    for (size_t i = 0; i < ROWS; i++) {
        z[i] = 8 * (uniform() - 0.5);
        labels[i] = uniform() < 1 / (1 + exp(-z[i] / 2));
    }
    CHECK(focal_calibration_fit_temperature_f64(z, labels, ROWS, &fitted) == FOCAL_OK, "%s", last_error());
    long double d = 0;
    for (size_t i = 0; i < ROWS; i++) d += (1 / (1 + expl(-z[i] / (long double)fitted)) - labels[i]) * z[i];
    CHECK(fabsl(d / ROWS) < 1e-12L && fitted > 1 && fitted < 4, "fit_temperature: T = %.17g, derivative %Lg", fitted, d / ROWS);

    /* Every label ranked first: the NLL falls for every T, so the answer is 0, not the T where it underflows. */
    double ranked[4] = {2, -1, 3, -0.5};
    uint8_t ranked_labels[4] = {1, 0, 1, 0};
    CHECK(focal_calibration_fit_temperature_f64(ranked, ranked_labels, 4, &fitted) == FOCAL_OK && fitted == 0,
          "fit_temperature of logits that rank every label first: %.17g, not 0", fitted);
}

static void errors(void) {
    double c[4] = {0.1, 0.2, 0.3, 0.4}, out = 0;
    uint8_t y[4] = {0, 1, 0, 1};
    CHECK(focal_calibration_ece_f64(NULL, y, 4, 10, 0, &out) == FOCAL_ERROR_NULL_POINTER, "NULL confidences");
    CHECK(strstr(last_error(), "confidences") != NULL, "the message names confidences: %s", last_error());
    CHECK(focal_calibration_ece_f64(c, y, 4, 10, 0, NULL) == FOCAL_ERROR_NULL_POINTER, "NULL out");
    CHECK(strstr(last_error(), "out") != NULL, "the message names out: %s", last_error());
    CHECK(focal_calibration_ece_f64(c, y, 4, 0, 0, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "bins = 0");
    CHECK(strncmp(last_error(), "bins = 0", 8) == 0, "the message names bins: %s", last_error());
    CHECK(focal_calibration_ece_f64(c, y, 4, 10, 2, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "binning = 2");
    CHECK(strncmp(last_error(), "binning", 7) == 0, "the message names binning: %s", last_error());
    c[2] = 1.5;
    CHECK(focal_calibration_brier_f64(c, y, 4, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "confidence 1.5");
    CHECK(strstr(last_error(), "confidences[2] = 1.5") != NULL, "the message names the element: %s", last_error());
    c[2] = NAN;
    CHECK(focal_calibration_ece_f64(c, y, 4, 10, 0, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "NaN confidence");
    CHECK(strstr(last_error(), "confidences[2]") != NULL, "the message names the element: %s", last_error());
    c[2] = 0.3, y[3] = 2;
    CHECK(focal_calibration_ece_f64(c, y, 4, 10, 0, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "label 2");
    CHECK(strstr(last_error(), "labels[3] = 2") != NULL, "the message names the label: %s", last_error());
    int32_t classes[2] = {0, 3};
    double p[4] = {0.5, 0.5, 0.25, 0.75};
    CHECK(focal_calibration_ece_multiclass_f64(p, classes, 2, 2, 10, 0, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "class 3 of 2");
    CHECK(strstr(last_error(), "labels[1] = 3") != NULL, "the message names the label: %s", last_error());
    CHECK(focal_calibration_ece_multiclass_f64(p, classes, 2, 0, 10, 0, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "classes 0");
    CHECK(strncmp(last_error(), "classes", 7) == 0, "the message names classes: %s", last_error());
    int64_t counts[2];
    double means[2], accuracies[2];
    CHECK(focal_calibration_reliability_f64(c, y, 4, -1, 0, counts, means, accuracies) == FOCAL_ERROR_INVALID_ARGUMENT, "bins -1");
    CHECK(focal_calibration_reliability_f64(c, y, 4, 2, 0, counts, NULL, accuracies) == FOCAL_ERROR_NULL_POINTER, "NULL means");
    CHECK(strstr(last_error(), "mean_confidences") != NULL, "the message names mean_confidences: %s", last_error());
    y[3] = 1; /* the pass accumulates into the outputs: they share memory with nothing else */
    CHECK(focal_calibration_reliability_f64(c, y, 4, 2, 0, counts, means, means) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "accuracies must not overlap mean_confidences.") != NULL,
          "two outputs in one buffer: %s", last_error());
    CHECK(focal_calibration_reliability_f64(c, y, 4, 2, 0, counts, &c[2], accuracies) == FOCAL_ERROR_INVALID_ARGUMENT &&
              strstr(last_error(), "mean_confidences must not overlap confidences.") != NULL,
          "an output over an input: %s", last_error());
    double infinite[2] = {INFINITY, 0};
    CHECK(focal_calibration_fit_temperature_f64(infinite, y, 2, &out) == FOCAL_ERROR_INVALID_ARGUMENT, "infinite logit");
    CHECK(strstr(last_error(), "logits[0]") != NULL, "the message names the logit: %s", last_error());
    CHECK(focal_calibration_ece_f64(NULL, NULL, 0, 10, 0, &out) == FOCAL_OK && isnan(out), "n = 0 gives NaN");
}

int main(void) {
    if (focal_abi_version() != FOCAL_ABI_VERSION) {
        printf("SKIP: %s\n", last_error());
        return 77;
    }
    const size_t lengths[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 16383, 16384, 16385, 40000};
    const int bins[] = {1, 2, 10, 15, 64};
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++)
        for (size_t b = 0; b < sizeof bins / sizeof *bins; b++) binary_metrics(lengths[i], bins[b]);
    multiclass_metrics(5000, 15);
    multiclass_metrics(33, 4);
    temperature();
    errors();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
