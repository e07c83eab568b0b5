/*
 * focal_aot.h - C ABI of libfocalaot: sigmoid focal loss (Lin et al., 2017), forward, backward and fused, for
 * float, double, float16 and bfloat16 data, and softmax (multi-class) focal loss, on every SIMD width, reproducible
 * bit for bit.
 *
 *   FL(x, y) = -alpha_t (1 - p_t)^gamma log(p_t),  p = sigmoid(x),  p_t = p y + (1 - p)(1 - y),
 *   alpha_t  = alpha y + (1 - alpha)(1 - y)        (alpha < 0: no alpha weighting, alpha_t = 1)
 *
 * Every per-call input besides the data is one focal_options struct (gamma, alpha or one alpha per class,
 * per-element weights, the reduction); NULL options mean the defaults (gamma 2, alpha 0.25, no weights, NONE).
 *
 * Conventions (every function):
 *   - Returns a focal_status (FOCAL_OK = 0, else a FOCAL_ERROR_* code); the message of the most recent failed
 *     call on the calling thread is read with focal_last_error_message(). No call aborts the process, and no
 *     call returns memory the caller must free.
 *   - n is an element count (not bytes), at most INT32_MAX. With n = 0, data pointers may be NULL; with
 *     n > 0 a NULL data pointer is FOCAL_ERROR_NULL_POINTER. Pointers need no particular alignment.
 *   - Element types: _f32 float, _f64 double, _f16 IEEE binary16 and _bf16 bfloat16 (both as uint16_t bit
 *     patterns). 16-bit data is computed in float and each result rounded once (to nearest even) to 16 bits;
 *     sums are accumulated in double.
 *   - targets: each in [0, 1] (soft labels allowed), not NaN. Violations are FOCAL_ERROR_INVALID_ARGUMENT and
 *     the message names the argument (and the index and value of a bad target or weight).
 *   - A message is one line that names the C argument or options field and the rule, e.g.
 *     "options->weights[3] = -1 is invalid: every weight must be finite and >= 0." or
 *     "grad_logits must not partially overlap grad_out (in place is allowed)."
 *   - Sums are accumulated in double in a fixed order, so results do not depend on the ISA or thread count.
 *     A NaN sum or mean is the positive quiet NaN.
 *   - A NaN logit gives NaN loss and gradient; +-infinity gives the limits.
 *   - Outputs may be the same memory as an input (in place); partial overlap is FOCAL_ERROR_INVALID_ARGUMENT,
 *     and so is an output overlapping the weights or the class alphas. After a failed call the contents of the
 *     outputs are unspecified.
 *   - Calls are thread-safe; settings (focal_set_max_isa, focal_set_num_threads) are process-wide.
 *   - Environment: FOCALAOT_VARIANT (the dispatcher libfocalaot.so; x86-64-v4, x86-64-v3, x86-64-v2 or arm64)
 *     loads that variant instead of the best one this CPU runs. An unknown name, a variant this CPU does not run,
 *     or no loadable variant makes every call return FOCAL_ERROR_UNSUPPORTED (focal_abi_version -1), and
 *     focal_last_error_message gives the reason: the valid names, or every variant tried and why it failed.
 *   - Environment: FOCALAOT_SIMD_PATH (scalar, vector128, vector256 or vector512, case-insensitive), read when
 *     the library is first used, replaces the detected SIMD path (a path the variant was not built for runs in
 *     software emulation: slow, meant for tests; results never change). Any other value makes every call that
 *     computes, and focal_set_max_isa, return FOCAL_ERROR_UNSUPPORTED with a message naming the variable and the
 *     valid paths (focal_get_isa returns -1).
 *   - fork() is safe: a child process gets worker threads of its own on its first large call (the parent's
 *     workers do not exist in the child), and its settings are those of the parent at the fork.
 */
#ifndef FOCAL_AOT_H
#define FOCAL_AOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FOCAL_VERSION_MAJOR 0
#define FOCAL_VERSION_MINOR 2
#define FOCAL_VERSION_PATCH 0
#define FOCAL_VERSION_STRING "0.2.0"

/* Incremented on any incompatible change; compare with focal_abi_version() at load time. */
#define FOCAL_ABI_VERSION 2

/* The status every function returns (FOCAL_OK or a FOCAL_ERROR_* code). */
typedef int32_t focal_status;

/* Status codes. Append-only: numbers are never reused or changed. */
#define FOCAL_OK 0
#define FOCAL_ERROR_NULL_POINTER 1     /* a required pointer is NULL */
#define FOCAL_ERROR_INVALID_ARGUMENT 2 /* an argument breaks its rule (message names it) */
#define FOCAL_ERROR_UNSUPPORTED 3      /* not available on this CPU or build (e.g. an ISA cap above it) */
#define FOCAL_ERROR_INTERNAL 4         /* a bug or resource failure inside the library */
#define FOCAL_ERROR_BUFFER_TOO_SMALL 5 /* focal_last_error_message: the message was truncated */
#define FOCAL_ERROR_DEVICE 6           /* an OpenCL call failed (message: the call, its status, a build log) */

/* Reductions (focal_options.reduction). */
#define FOCAL_REDUCTION_NONE 0          /* per element */
#define FOCAL_REDUCTION_SUM 1           /* sum (0 for n = 0) */
#define FOCAL_REDUCTION_MEAN 2          /* sum / n (NaN for n = 0) */
#define FOCAL_REDUCTION_NORMALIZED 3    /* sum / normalizer (RetinaNet: the number of positive anchors) */
#define FOCAL_REDUCTION_WEIGHTED_MEAN 4 /* sum of weight * loss / sum of weights (the mean without weights) */

/* SIMD paths (ISA levels of the kernels). Every path of one library variant gives bit-identical results; the
   x86-64-v2 variant (for CPUs without FMA) multiplies and adds where the others fuse, within the same accuracy. */
#define FOCAL_ISA_SCALAR 0
#define FOCAL_ISA_VECTOR128 1 /* SSE (x86-64-v2) or NEON (arm64) */
#define FOCAL_ISA_AVX2 2      /* 256-bit: AVX2 + FMA (x86-64-v3) */
#define FOCAL_ISA_AVX512 3    /* 512-bit: AVX-512 (x86-64-v4) */

/*
 * Every per-call input besides the data. Initialize with focal_options_init() (which sets struct_size and the
 * defaults), then change fields: a struct from a newer header can be larger, and the library reads only what
 * it knows.
 */
typedef struct focal_options {
    size_t struct_size;        /* sizeof(focal_options), set by focal_options_init */
    double gamma;              /* focusing parameter: finite, >= 0 and <= 1e6 (0 is cross-entropy); default 2 */
    double alpha;              /* class balance in [0, 1], or < 0 for no alpha weighting; default 0.25 */
    const double *class_alpha; /* NULL, or num_classes alphas in [0, 1] replacing alpha: element i has class
                                  i % num_classes (a row-major [N, C] multi-label layout) */
    size_t num_classes;        /* length of class_alpha; >= 1 when class_alpha is given */
    const void *weights;       /* NULL, or n weights of the call's element type, each finite and >= 0: loss and
                                  gradient times the weight; weight 0 gives exactly 0 whatever the logit */
    int32_t reduction;         /* FOCAL_REDUCTION_*; default NONE */
    double normalizer;         /* FOCAL_REDUCTION_NORMALIZED's divisor: finite and > 0; default 1 */
    /* Fields after the 0.2 struct (a struct_size that ends before one leaves it at its default): */
    double label_smoothing;    /* softmax: epsilon in [0, 1], targets become (1 - eps) y + eps / C; sigmoid: 0 */
    int64_t ignore_index;      /* softmax with class-index targets: rows with this target are skipped (loss 0,
                                  gradient 0, not counted in a mean); default -100 (torch's ignore_index) */
    double poly_epsilon;       /* Poly-1 focal loss's epsilon, finite and >= -1; default 0. Softmax: each class adds
                                  epsilon * w * y'_j * (1 - p_j)^(gamma + 1); sigmoid: each element adds
                                  epsilon * w * (1 - p_t)^(gamma + 1) (no alpha in either) */
    int32_t sample_dependent_gamma; /* nonzero for FLSD-53: gamma = 5 where p < 0.2 (1 - p > 0.8), else 3, in place of
                                  gamma (which must keep its default, 2), per class of a softmax row (p_t for a
                                  class-index target) and per sigmoid element (p_t); default 0 */
    size_t spatial;            /* softmax: S of [rows, classes, S] logits (class j of sample (n, s) at
                                  logits[(n * classes + j) * S + s], torch's (N, C, d1, ...) with S = d1 * ...);
                                  default 1 ([rows, classes]); sigmoid: 1 */
} focal_options;

/* FOCAL_ABI_VERSION of the loaded library. */
int32_t focal_abi_version(void);

/* The library version, e.g. "0.2.0": a static string, never freed. */
const char *focal_version(void);

/*
 * The library variant that runs the calls: "x86-64-v4", "x86-64-v3", "x86-64-v2" or "arm64" (the one the dispatcher
 * loaded, or a variant library's own name), or "" when the dispatcher loaded none (focal_last_error_message says
 * why). A static string, never freed.
 */
const char *focal_loaded_variant(void);

/*
 * Copies the message of the most recent failed call on this thread ("" if none) into buffer, NUL-terminated.
 * *needed (if needed is not NULL) receives the size including the NUL. buffer = NULL with capacity = 0 only
 * queries the size. Returns FOCAL_ERROR_BUFFER_TOO_SMALL (after writing a truncated, terminated message)
 * when capacity < *needed. Reading the message does not clear it.
 */
focal_status focal_last_error_message(char *buffer, size_t capacity, size_t *needed);

/*
 * Sets the first struct_size bytes of *options (down to a whole field) to the defaults (gamma 2, alpha 0.25, no class
 * alphas, no weights, NONE, normalizer 1, label_smoothing 0, ignore_index -100, poly_epsilon 0,
 * sample_dependent_gamma 0, spatial 1) and options->struct_size to the size written. struct_size is sizeof(focal_options) of the
 * caller's header, at least 64 (the 0.2 struct). Call it through the focal_options_init macro, which passes the size.
 */
focal_status focal_options_init_sized(focal_options *options, size_t struct_size);

/* The 0.2 entry, for programs built against it: writes the 64-byte 0.2 struct only. */
focal_status focal_options_init(focal_options *options);
#define focal_options_init(options) focal_options_init_sized((options), sizeof(focal_options))

/* The active SIMD path (FOCAL_ISA_*), or -1 on failure. */
int32_t focal_get_isa(void);

/*
 * Caps the SIMD path at isa (process-wide). FOCAL_ERROR_INVALID_ARGUMENT if isa is not a FOCAL_ISA_* value,
 * FOCAL_ERROR_UNSUPPORTED if it is above what this CPU and library variant run. Results never change.
 */
focal_status focal_set_max_isa(int32_t isa);

/* The most threads one call may use (process-wide): >= 1, or 0 for one per processor. A call never uses
 * more threads than there are processors, whatever the setting, and the library never starts more than
 * one worker thread per processor. Calls below about 131072 elements always run on the calling thread.
 * Results never change. */
focal_status focal_set_num_threads(int32_t threads);

/*
 * The operations, one entry per element type (T = float, double, or uint16_t holding f16 / bf16 bits).
 * options may be NULL (the defaults); options->weights, if given, are n values of T.
 *
 * forward: out receives n losses for FOCAL_REDUCTION_NONE, else the 1 reduced loss (required even for n = 0).
 * backward: grad_logits (n values) = grad_out * d(loss)/d(logits), the loss reduced as requested. grad_out is
 *   the upstream gradient: n values for NONE, else 1 value; NULL means 1 (every element).
 * forward_backward: loss and gradient in one pass, bit for bit forward + backward with grad_out = NULL. loss:
 *   n values for NONE, else 1 value; it must not overlap grad_logits.
 */
/* float */
focal_status focal_sigmoid_forward_f32(const float *logits, const float *targets, size_t n,
    const focal_options *options, float *out);
focal_status focal_sigmoid_backward_f32(const float *logits, const float *targets, size_t n,
    const focal_options *options, const float *grad_out, float *grad_logits);
focal_status focal_sigmoid_forward_backward_f32(const float *logits, const float *targets, size_t n,
    const focal_options *options, float *loss, float *grad_logits);

/* double */
focal_status focal_sigmoid_forward_f64(const double *logits, const double *targets, size_t n,
    const focal_options *options, double *out);
focal_status focal_sigmoid_backward_f64(const double *logits, const double *targets, size_t n,
    const focal_options *options, const double *grad_out, double *grad_logits);
focal_status focal_sigmoid_forward_backward_f64(const double *logits, const double *targets, size_t n,
    const focal_options *options, double *loss, double *grad_logits);

/* binary16 (uint16_t bits) */
focal_status focal_sigmoid_forward_f16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *out);
focal_status focal_sigmoid_backward_f16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_sigmoid_forward_backward_f16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *loss, uint16_t *grad_logits);

/* bfloat16 (uint16_t bits) */
focal_status focal_sigmoid_forward_bf16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *out);
focal_status focal_sigmoid_backward_bf16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_sigmoid_forward_backward_bf16(const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *loss, uint16_t *grad_logits);

/*
 * Softmax (multi-class) focal loss over logits [rows, classes], row-major: for each row, p = softmax(logits) and
 *   loss = -w_row * sum_j alpha_j y'_j (1 - p_j)^gamma log(p_j),  y' = (1 - label_smoothing) y + label_smoothing / C
 * where y is the row's target distribution (a class index is one-hot), alpha_j = options->class_alpha[j] (then
 * num_classes must equal classes; each finite and >= 0, any scale, like torch's weight=, and at most FLT_MAX for
 * the f32, f16 and bf16 entries, which compute in float) or options->alpha for every class (1 when alpha < 0), and
 * w_row = options->weights[row] (rows values, finite and >= 0). A row whose w_row * alpha_j or upstream gradient
 * lies beyond the compute type's range runs scaled by powers of two: its results overflow to +/-infinity only where
 * they lie beyond the type, and are never NaN.
 * gamma = 0 with alpha < 0 is torch's cross_entropy.
 *
 * targets: target_kind FOCAL_TARGET_INDEX_I32 (rows int32_t class indices), FOCAL_TARGET_INDEX_I64 (rows int64_t),
 *   or FOCAL_TARGET_PROBABILITIES (rows * classes values of the logits' type, each in [0, 1]). A class index must be
 *   in [0, classes) or equal options->ignore_index (the message names the first bad row).
 * Reductions: SUM; MEAN divides by the number of rows not ignored (NaN when every row is ignored); NORMALIZED by
 *   options->normalizer; WEIGHTED_MEAN by the sum over rows not ignored of w_row * alpha of the row's target class
 *   (probabilities: sum_j y_j alpha_j), torch's convention with class weights.
 * forward: out receives rows losses (NONE) or the 1 reduced loss. backward: grad_logits (rows * classes values) =
 *   grad_out * d(loss)/d(logits); grad_out is rows values for NONE, else 1 value; NULL means 1. forward_backward:
 *   both in one pass; loss must not overlap grad_logits. grad_logits may be the logits' memory (in place).
 * A row with a NaN or +infinity logit, or only -infinity logits, gives NaN loss and gradient. rows * classes is at
 * most INT32_MAX; classes >= 1. float, double, and f16 / bf16 (uint16_t bits; probabilities and weights too),
 * which compute in float and round each result once.
 * Segmentation layouts: with options->spatial = S > 1 the logits are [rows, classes, S] (each sample's classes S
 *   apart) and every "row" above is one of the rows * S samples (n, s), in [rows, S] row-major order: class-index
 *   targets, weights, per-sample losses and grad_out have rows * S values; probabilities and grad_logits have the
 *   logits' layout. Each sample gives the bits its gathered row of classes gives. rows * classes * S <= INT32_MAX.
 */
#define FOCAL_TARGET_INDEX_I32 0
#define FOCAL_TARGET_INDEX_I64 1
#define FOCAL_TARGET_PROBABILITIES 2

focal_status focal_softmax_forward_f32(const float *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, float *out);
focal_status focal_softmax_backward_f32(const float *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, const float *grad_out, float *grad_logits);
focal_status focal_softmax_forward_backward_f32(const float *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, float *loss, float *grad_logits);
focal_status focal_softmax_forward_f64(const double *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, double *out);
focal_status focal_softmax_backward_f64(const double *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, const double *grad_out, double *grad_logits);
focal_status focal_softmax_forward_backward_f64(const double *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, double *loss, double *grad_logits);
focal_status focal_softmax_forward_f16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, uint16_t *out);
focal_status focal_softmax_backward_f16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_softmax_forward_backward_f16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);
focal_status focal_softmax_forward_bf16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, uint16_t *out);
focal_status focal_softmax_backward_bf16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_softmax_forward_backward_bf16(const uint16_t *logits, size_t rows, size_t classes, const void *targets,
    int32_t target_kind, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);

/*
 * OpenCL devices. Declared without the OpenCL headers: a cl_command_queue, cl_mem or cl_event is a void *.
 *
 * A device computes what the CPU entries compute: per-element results bit for bit (the same operation sequence),
 * sums in the CPU's order, bit-identical where the device has fp64 (focal_device_info.fp64). Without fp64, double
 * data and a gamma outside the built-in set (0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5) are FOCAL_ERROR_UNSUPPORTED, and
 * sums are accumulated in float in the same order. A machine without an OpenCL library, platform or device
 * has 0 devices; nothing fails or waits because of it.
 */

/* Element types of the focal_cl_* calls. */
#define FOCAL_DTYPE_F32 0
#define FOCAL_DTYPE_F64 1
#define FOCAL_DTYPE_F16 2
#define FOCAL_DTYPE_BF16 3

typedef struct focal_device_info {
    size_t struct_size; /* sizeof(focal_device_info), set by the caller */
    char name[256];     /* CL_DEVICE_NAME, NUL-terminated (truncated if longer) */
    char vendor[256];   /* CL_DEVICE_VENDOR */
    char version[256];  /* CL_DEVICE_VERSION */
    int32_t fp64;       /* 1 if the device has cl_khr_fp64, else 0 */
} focal_device_info;

/* The number of OpenCL devices (0 when there is no OpenCL library, platform or device). Never fails. */
int32_t focal_device_count(void);

/* Why focal_device_count() is 0 ("" when there are devices), copied as focal_last_error_message copies. */
focal_status focal_device_unavailable_reason(char *buffer, size_t capacity, size_t *needed);

/* Describes device `device` (0 .. focal_device_count() - 1). In every device call, an index out of that range is
 * FOCAL_ERROR_INVALID_ARGUMENT (the message names device and the count), and info->struct_size below
 * sizeof(focal_device_info) is FOCAL_ERROR_INVALID_ARGUMENT. */
focal_status focal_device_get_info(int32_t device, focal_device_info *info);

/*
 * Host memory on a device: the CPU entries' arguments and results, with the device's index first. Each call
 * uploads its inputs, runs and downloads its outputs; the library owns one context per device (created on
 * first use).
 */
focal_status focal_device_sigmoid_forward_f32(int32_t device, const float *logits, const float *targets, size_t n,
    const focal_options *options, float *out);
focal_status focal_device_sigmoid_backward_f32(int32_t device, const float *logits, const float *targets, size_t n,
    const focal_options *options, const float *grad_out, float *grad_logits);
focal_status focal_device_sigmoid_forward_backward_f32(int32_t device, const float *logits, const float *targets, size_t n,
    const focal_options *options, float *loss, float *grad_logits);
focal_status focal_device_sigmoid_forward_f64(int32_t device, const double *logits, const double *targets, size_t n,
    const focal_options *options, double *out);
focal_status focal_device_sigmoid_backward_f64(int32_t device, const double *logits, const double *targets, size_t n,
    const focal_options *options, const double *grad_out, double *grad_logits);
focal_status focal_device_sigmoid_forward_backward_f64(int32_t device, const double *logits, const double *targets, size_t n,
    const focal_options *options, double *loss, double *grad_logits);
focal_status focal_device_sigmoid_forward_f16(int32_t device, const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *out);
focal_status focal_device_sigmoid_backward_f16(int32_t device, const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_device_sigmoid_forward_backward_f16(int32_t device, const uint16_t *logits, const uint16_t *targets,
    size_t n, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);
focal_status focal_device_sigmoid_forward_bf16(int32_t device, const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, uint16_t *out);
focal_status focal_device_sigmoid_backward_bf16(int32_t device, const uint16_t *logits, const uint16_t *targets, size_t n,
    const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_device_sigmoid_forward_backward_bf16(int32_t device, const uint16_t *logits, const uint16_t *targets,
    size_t n, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);

/* The softmax entries on a device: focal_softmax_*'s arguments, rules and results, with the device's index first. They
 * need a device with fp64 (focal_device_info.fp64), else FOCAL_ERROR_UNSUPPORTED. */
focal_status focal_device_softmax_forward_f32(int32_t device, const float *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, float *out);
focal_status focal_device_softmax_backward_f32(int32_t device, const float *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, const float *grad_out, float *grad_logits);
focal_status focal_device_softmax_forward_backward_f32(int32_t device, const float *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, float *loss, float *grad_logits);
focal_status focal_device_softmax_forward_f64(int32_t device, const double *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, double *out);
focal_status focal_device_softmax_backward_f64(int32_t device, const double *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, const double *grad_out, double *grad_logits);
focal_status focal_device_softmax_forward_backward_f64(int32_t device, const double *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, double *loss, double *grad_logits);
focal_status focal_device_softmax_forward_f16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, uint16_t *out);
focal_status focal_device_softmax_backward_f16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_device_softmax_forward_backward_f16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);
focal_status focal_device_softmax_forward_bf16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, uint16_t *out);
focal_status focal_device_softmax_backward_bf16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, const uint16_t *grad_out, uint16_t *grad_logits);
focal_status focal_device_softmax_forward_backward_bf16(int32_t device, const uint16_t *logits, size_t rows, size_t classes,
    const void *targets, int32_t target_kind, const focal_options *options, uint16_t *loss, uint16_t *grad_logits);

/* A range of the caller's cl_mem: elements [offset, offset + n) of the call's dtype. mem = NULL: absent. */
typedef struct focal_cl_buffer {
    void *mem;     /* cl_mem, or NULL */
    size_t offset; /* first element (not byte) */
} focal_cl_buffer;

/*
 * The caller's OpenCL objects: queue is an in-order cl_command_queue, and every buffer a cl_mem of its context.
 * The calls mirror the host entries, with device buffers for data (dtype: FOCAL_DTYPE_*). Per-element weights
 * come as the weights buffer (options->weights must be NULL). A per-element call (FOCAL_REDUCTION_NONE, or a
 * backward) is enqueued and returns (a WEIGHTED_MEAN backward first waits for the sum of the weights); a reduced
 * loss is waited for and written to host memory (*reduced, one value of dtype). An invalid target or weight found
 * by an enqueued call is reported by focal_cl_finish(queue) or by the next reduced call on the queue. event, if not
 * NULL, receives a cl_event complete when the call is (release it with clReleaseEvent), or NULL when the call
 * fails. An output may be in place over logits or grad_out (same cl_mem and offset) but must not overlap them
 * otherwise, nor the targets or weights at all (they are read again after the pass to name an invalid one), nor
 * the other output. No call waits for its own completion to check its inputs: the library keeps a reference to the
 * targets and weights cl_mem until the call is known valid, and names an invalid element from them, so leave them
 * unchanged until focal_cl_finish to have it named exactly. The library retains the queue from its first call until
 * focal_cl_release_queue(queue); the queue must stay valid (retained by the caller) while the library holds it.
 *
 * forward: NONE: losses into out (n values); reduced: the loss into *reduced (out unused).
 * backward: NONE: grad_out is n values (mem NULL means 1 each); reduced: *grad_out_scalar (NULL means 1).
 * forward_backward: NONE: losses into loss; reduced: the loss into *reduced (loss unused); gradient into grad_logits.
 */
focal_status focal_cl_sigmoid_forward(void *queue, int32_t dtype, size_t n, focal_cl_buffer logits, focal_cl_buffer targets,
    focal_cl_buffer weights, const focal_options *options, focal_cl_buffer out, void *reduced, void **event);
focal_status focal_cl_sigmoid_backward(void *queue, int32_t dtype, size_t n, focal_cl_buffer logits, focal_cl_buffer targets,
    focal_cl_buffer weights, const focal_options *options, focal_cl_buffer grad_out, const void *grad_out_scalar,
    focal_cl_buffer grad_logits, void **event);
focal_status focal_cl_sigmoid_forward_backward(void *queue, int32_t dtype, size_t n, focal_cl_buffer logits,
    focal_cl_buffer targets, focal_cl_buffer weights, const focal_options *options, focal_cl_buffer loss, void *reduced,
    focal_cl_buffer grad_logits, void **event);

/* Waits for the library's calls on queue and reports an invalid input one of them found. A queue the library does
 * not hold (no focal_cl_* call since it was created or released) is FOCAL_ERROR_INVALID_ARGUMENT. */
focal_status focal_cl_finish(void *queue);

/* Finishes the queue, drops the library's reference to it (and its programs), and reports as focal_cl_finish does. */
focal_status focal_cl_release_queue(void *queue);

/*
 * Calibration metrics of predicted probabilities, and temperature scaling. Binary entries take confidences (the
 * predicted probability of the positive class, n values) and labels (uint8_t, 0 or 1); _multiclass entries take
 * probabilities [rows, classes] row-major and labels (int32_t class indices, one per row): confidence = the row's
 * largest probability, correct = whether its first arg max is the label. Every probability must be finite and in
 * [0, 1] (rows need not sum to 1). Results are doubles, summed in a fixed order (identical on every ISA and thread
 * count); a binned metric of no samples is NaN.
 *
 * Bins (bins in [1, FOCAL_CALIBRATION_MAX_BINS]; binning FOCAL_BINNING_*): a confidence c goes to the bin of the
 * number of interior edges strictly below it (bins closed on the right, the first [0, e_1]), as scikit-learn's
 * calibration_curve. EQUAL_WIDTH: e_k = k * (1.0 / bins) in double (numpy's linspace); EQUAL_MASS: e_k is the
 * k / bins quantile of the confidences with linear interpolation (numpy's percentile).
 *
 * ece: sum over bins of (n_b / n) |accuracy_b - mean confidence_b|; mce: the largest |accuracy_b - mean
 * confidence_b| over non-empty bins; classwise_ece: the mean over classes k of the binary ece of probabilities[., k]
 * against labels == k. brier: binary mean (p - y)^2 (scikit-learn's brier_score_loss); multiclass mean over rows of
 * sum_k (p_k - [k == label])^2. nll: mean -log of the probability given to the label, clamped to [eps, 1 - eps]
 * with eps the machine epsilon of the element type (scikit-learn's log_loss, eps="auto"; rows not renormalized).
 * reliability: per bin the number of samples (counts), their mean confidence and their accuracy (fraction of
 * positives), each output bins elements long and sharing no memory with another output or an input (the pass
 * accumulates into them); an empty bin has NaN means.
 * fit_temperature: the T > 0 minimizing the mean NLL of sigmoid(logit / T) (binary) or softmax(logits / T)
 * (multiclass) over finite validation logits, by safeguarded Newton in 1 / T to about 1e-15 relative; 1 for no
 * samples, +infinity when no T beats the uniform prediction, 0 when every label has the largest logit (ties allowed),
 * where the loss falls for every T.
 */
#define FOCAL_BINNING_EQUAL_WIDTH 0
#define FOCAL_BINNING_EQUAL_MASS 1
#define FOCAL_CALIBRATION_MAX_BINS 4096

focal_status focal_calibration_ece_f32(const float *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, double *out);
focal_status focal_calibration_ece_f64(const double *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, double *out);
focal_status focal_calibration_mce_f32(const float *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, double *out);
focal_status focal_calibration_mce_f64(const double *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, double *out);
focal_status focal_calibration_ece_multiclass_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_ece_multiclass_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_mce_multiclass_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_mce_multiclass_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_classwise_ece_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_classwise_ece_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, double *out);
focal_status focal_calibration_brier_f32(const float *confidences, const uint8_t *labels, size_t n, double *out);
focal_status focal_calibration_brier_f64(const double *confidences, const uint8_t *labels, size_t n, double *out);
focal_status focal_calibration_brier_multiclass_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, double *out);
focal_status focal_calibration_brier_multiclass_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, double *out);
focal_status focal_calibration_nll_f32(const float *confidences, const uint8_t *labels, size_t n, double *out);
focal_status focal_calibration_nll_f64(const double *confidences, const uint8_t *labels, size_t n, double *out);
focal_status focal_calibration_nll_multiclass_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, double *out);
focal_status focal_calibration_nll_multiclass_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, double *out);
focal_status focal_calibration_reliability_f32(const float *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, int64_t *counts, double *mean_confidences, double *accuracies);
focal_status focal_calibration_reliability_f64(const double *confidences, const uint8_t *labels, size_t n, int32_t bins,
    int32_t binning, int64_t *counts, double *mean_confidences, double *accuracies);
focal_status focal_calibration_reliability_multiclass_f32(const float *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, int64_t *counts, double *mean_confidences, double *accuracies);
focal_status focal_calibration_reliability_multiclass_f64(const double *probabilities, const int32_t *labels, size_t rows,
    size_t classes, int32_t bins, int32_t binning, int64_t *counts, double *mean_confidences, double *accuracies);
focal_status focal_calibration_fit_temperature_f32(const float *logits, const uint8_t *labels, size_t n,
    double *temperature);
focal_status focal_calibration_fit_temperature_f64(const double *logits, const uint8_t *labels, size_t n,
    double *temperature);
focal_status focal_calibration_fit_temperature_multiclass_f32(const float *logits, const int32_t *labels, size_t rows,
    size_t classes, double *temperature);
focal_status focal_calibration_fit_temperature_multiclass_f64(const double *logits, const int32_t *labels, size_t rows,
    size_t classes, double *temperature);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FOCAL_AOT_H */
