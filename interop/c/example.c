/*
 * A complete C program on libfocalaot: the focal loss (gamma 2, alpha 0.25, mean) of eight logits and targets and its
 * gradient in float, the loss in double, each checked against a plain double-precision evaluation of the formula.
 * Prints the library it runs, the losses and the reference; exits 1 if a loss is off (or a call fails), 0 otherwise.
 * Builds against the checkout (README, "From C"), an installed prefix with CMake (CMakeLists.txt beside it) or with
 * pkg-config:  cc example.c $(pkg-config --cflags --libs focalaot) -lm -o example
 */
#include <math.h>
#include <stdio.h>

#include "focal_aot.h"

#define N 8

/* The loss of one element, evaluated directly in double: alpha_t (1 - p_t)^gamma BCE(x, y), where the binary
 * cross-entropy BCE = -y log(p) - (1 - y) log(1 - p) is -log(p_t) for a hard label (y = 0 or 1). */
static double reference_loss(double x, double y, double gamma, double alpha) {
    double p = 1.0 / (1.0 + exp(-x));
    double one_minus_p_t = y * (1.0 - p) + (1.0 - y) * p;
    double bce = -y * log(p) - (1.0 - y) * log(1.0 - p);
    double alpha_t = alpha * y + (1.0 - alpha) * (1.0 - y);
    return alpha_t * pow(one_minus_p_t, gamma) * bce;
}

static int failed(const char *call, focal_status status) {
    char message[512];
    focal_last_error_message(message, sizeof message, NULL); /* names the argument and the rule */
    fprintf(stderr, "%s failed (status %d): %s\n", call, (int)status, message);
    return 1;
}

int main(void) {
    const double logits[N] = {-3.5, -1.25, -0.5, 0.0, 0.75, 1.5, 2.25, 4.0};
    const double targets[N] = {0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.25}; /* soft labels are allowed */
    float logits_f32[N], targets_f32[N], grad[N], loss_f32;
    double loss_f64, reference = 0.0;
    for (int i = 0; i < N; i++) {
        logits_f32[i] = (float)logits[i];
        targets_f32[i] = (float)targets[i];
        reference += reference_loss(logits[i], targets[i], 2.0, 0.25) / N;
    }

    focal_options options;
    focal_options_init(&options); /* gamma 2, alpha 0.25, no weights, FOCAL_REDUCTION_NONE */
    options.reduction = FOCAL_REDUCTION_MEAN;
    focal_status status = focal_sigmoid_forward_backward_f32(logits_f32, targets_f32, N, &options, &loss_f32, grad);
    if (status != FOCAL_OK) return failed("focal_sigmoid_forward_backward_f32", status);
    status = focal_sigmoid_forward_f64(logits, targets, N, &options, &loss_f64);
    if (status != FOCAL_OK) return failed("focal_sigmoid_forward_f64", status);

    printf("libfocalaot %s (ABI %d), ISA %d\n", focal_version(), (int)focal_abi_version(), (int)focal_get_isa());
    printf("mean focal loss: f64 %.17g, f32 %.9g, reference %.17g\n", loss_f64, (double)loss_f32, reference);
    printf("gradient[0..1]: %.9g %.9g\n", (double)grad[0], (double)grad[1]);
    if (focal_abi_version() != FOCAL_ABI_VERSION || fabs(loss_f64 - reference) > 1e-13 * reference ||
        fabs(loss_f32 - reference) > 2e-6 * reference) {
        fprintf(stderr, "the library disagrees with this header or with the reference\n");
        return 1;
    }
    return 0;
}
