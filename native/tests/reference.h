/* An independent double-precision reference of sigmoid focal loss and its gradient (from the formulas). */
#ifndef FOCAL_REFERENCE_H
#define FOCAL_REFERENCE_H

#include <math.h>

static double ref_sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }

static double ref_alpha_t(double alpha, double y) { return alpha < 0 ? 1.0 : alpha * y + (1.0 - alpha) * (1.0 - y); }

/* -[y log p + (1 - y) log(1 - p)] as y softplus(-x) + (1 - y) softplus(x). */
static double ref_bce(double x, double y) {
    double softplus_x = fmax(x, 0.0) + log1p(exp(-fabs(x)));
    double softplus_minus_x = fmax(-x, 0.0) + log1p(exp(-fabs(x)));
    return y * softplus_minus_x + (1.0 - y) * softplus_x;
}

static double ref_q(double x, double y) { return y * ref_sigmoid(-x) + (1.0 - y) * ref_sigmoid(x); }

static double ref_loss(double x, double y, double gamma, double alpha) {
    double m = gamma == 0 ? 1.0 : pow(ref_q(x, y), gamma);
    return ref_alpha_t(alpha, y) * m * ref_bce(x, y);
}

/* d loss / dx = alpha_t [gamma q^(gamma-1) q' BCE + q^gamma BCE'], q' = (1-2y) s(x) s(-x), BCE' = s(x) - y.
 * Also returns the size of its terms, the scale its rounding error is relative to (the terms cancel for soft y). */
static double ref_gradient(double x, double y, double gamma, double alpha, double *scale) {
    double s = ref_sigmoid(x), sn = ref_sigmoid(-x), q = ref_q(x, y), bce = ref_bce(x, y);
    double focus = (gamma == 0 || q == 0) ? 0.0 : gamma * pow(q, gamma - 1.0) * (1.0 - 2.0 * y) * s * sn * bce;
    double m = gamma == 0 ? 1.0 : pow(q, gamma);
    double at = ref_alpha_t(alpha, y);
    if (scale != NULL) *scale = at * (fabs(focus) + m * ((1.0 - y) * s + y * sn));
    return at * (focus + m * ((1.0 - y) * s - y * sn));
}

#endif
