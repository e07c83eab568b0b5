/*
 * focal_aot.h - C ABI of libfocalaot: sigmoid focal loss (Lin et al., 2017), forward, backward and fused,
 * for float and double, on every SIMD width, reproducible bit for bit.
 *
 *   FL(x, y) = -alpha_t (1 - p_t)^gamma log(p_t),  p = sigmoid(x),  p_t = p y + (1 - p)(1 - y),
 *   alpha_t  = alpha y + (1 - alpha)(1 - y)        (alpha < 0: no alpha weighting, alpha_t = 1)
 *
 * Conventions (every function):
 *   - Returns a status (FOCAL_OK = 0, else a FOCAL_ERROR_* code); the message of the most recent failed call
 *     on the calling thread is read with focal_last_error_message(). No call aborts the process, and no call
 *     returns memory the caller must free.
 *   - n is an element count (not bytes), at most INT32_MAX. With n = 0, data pointers may be NULL; with
 *     n > 0 a NULL data pointer is FOCAL_ERROR_NULL_POINTER. Pointers need no particular
 *     alignment: unaligned pointers are accepted.
 *   - gamma: finite, >= 0 and <= 1e6 (0 is binary cross-entropy). alpha: in [0, 1], or negative for no alpha
 *     weighting. targets: each in [0, 1] (soft labels allowed), not NaN. Violations are
 *     FOCAL_ERROR_INVALID_ARGUMENT and the message names the argument (and the index of a bad target).
 *   - reduction: FOCAL_REDUCTION_NONE (per element), _SUM, or _MEAN (sum / n; the mean of n = 0 is NaN,
 *     the sum of n = 0 is 0). Sums are accumulated in double in a fixed order, so results do not depend on
 *     the ISA or the thread count.
 *   - A NaN logit gives NaN loss and gradient; +-infinity gives the limits.
 *   - Outputs may be the same memory as an input (in place); partial overlap is FOCAL_ERROR_INVALID_ARGUMENT.
 *     After a failed call the contents of the outputs are unspecified.
 *   - Calls are thread-safe; settings (focal_set_max_isa, focal_set_num_threads) are process-wide.
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
#define FOCAL_VERSION_MINOR 1
#define FOCAL_VERSION_PATCH 0
#define FOCAL_VERSION_STRING "0.1.0"

/* Incremented on any incompatible change; compare with focal_abi_version() at load time. */
#define FOCAL_ABI_VERSION 1

/* Status codes. Append-only: numbers are never reused or changed. */
#define FOCAL_OK 0
#define FOCAL_ERROR_NULL_POINTER 1     /* a required pointer is NULL */
#define FOCAL_ERROR_INVALID_ARGUMENT 2 /* an argument breaks its rule (message names it) */
#define FOCAL_ERROR_UNSUPPORTED 3      /* not available on this CPU or build (e.g. an ISA cap above it) */
#define FOCAL_ERROR_INTERNAL 4         /* a bug or resource failure inside the library */
#define FOCAL_ERROR_BUFFER_TOO_SMALL 5 /* focal_last_error_message: the message was truncated */

/* Reductions. */
#define FOCAL_REDUCTION_NONE 0
#define FOCAL_REDUCTION_SUM 1
#define FOCAL_REDUCTION_MEAN 2

/* SIMD paths (ISA levels of the kernels). Every path gives bit-identical results. */
#define FOCAL_ISA_SCALAR 0
#define FOCAL_ISA_VECTOR128 1 /* SSE (x86-64-v2) or NEON (arm64) */
#define FOCAL_ISA_AVX2 2      /* 256-bit: AVX2 + FMA (x86-64-v3) */
#define FOCAL_ISA_AVX512 3    /* 512-bit: AVX-512 (x86-64-v4) */

/* FOCAL_ABI_VERSION of the loaded library. */
int32_t focal_abi_version(void);

/* The library version, e.g. "0.1.0": a static string, never freed. */
const char *focal_version(void);

/*
 * Copies the message of the most recent failed call on this thread ("" if none) into buffer, NUL-terminated.
 * *needed (if needed is not NULL) receives the size including the NUL. buffer = NULL with capacity = 0 only
 * queries the size. Returns FOCAL_ERROR_BUFFER_TOO_SMALL (after writing a truncated, terminated message)
 * when capacity < *needed. Reading the message does not clear it.
 */
int32_t focal_last_error_message(char *buffer, size_t capacity, size_t *needed);

/* The active SIMD path (FOCAL_ISA_*), or -1 on failure. */
int32_t focal_get_isa(void);

/*
 * Caps the SIMD path at isa (process-wide). FOCAL_ERROR_INVALID_ARGUMENT if isa is not a FOCAL_ISA_* value,
 * FOCAL_ERROR_UNSUPPORTED if it is above what this CPU and library variant run. Results never change.
 */
int32_t focal_set_max_isa(int32_t isa);

/* The most threads one call may use (process-wide): >= 1, or 0 for one per processor. A call never uses
 * more threads than there are processors, whatever the setting, and the library never starts more than
 * one worker thread per processor. Calls below about 131072 elements always run on the calling thread.
 * Results never change. */
int32_t focal_set_num_threads(int32_t threads);

/*
 * Loss. logits, targets: n values. out: n values for FOCAL_REDUCTION_NONE, else 1 value (required even for n = 0).
 */
int32_t focal_sigmoid_forward_f32(const float *logits, const float *targets, size_t n,
                                  double gamma, double alpha, int32_t reduction, float *out);
int32_t focal_sigmoid_forward_f64(const double *logits, const double *targets, size_t n,
                                  double gamma, double alpha, int32_t reduction, double *out);

/*
 * Gradient with respect to the logits. grad_out is the upstream gradient: n values for FOCAL_REDUCTION_NONE,
 * else 1 value; NULL means 1 (every element). grad_logits: n values, = grad_out * d(loss)/d(logits), where
 * loss is reduced as requested (MEAN divides by n).
 */
int32_t focal_sigmoid_backward_f32(const float *logits, const float *targets, size_t n,
                                   double gamma, double alpha, int32_t reduction,
                                   const float *grad_out, float *grad_logits);
int32_t focal_sigmoid_backward_f64(const double *logits, const double *targets, size_t n,
                                   double gamma, double alpha, int32_t reduction,
                                   const double *grad_out, double *grad_logits);

/*
 * Loss and gradient in one pass; bit for bit equal to forward + backward with grad_out = NULL.
 * loss: n values for FOCAL_REDUCTION_NONE, else 1 value. grad_logits: n values; must not overlap loss.
 */
int32_t focal_sigmoid_forward_backward_f32(const float *logits, const float *targets, size_t n,
                                           double gamma, double alpha, int32_t reduction,
                                           float *loss, float *grad_logits);
int32_t focal_sigmoid_forward_backward_f64(const double *logits, const double *targets, size_t n,
                                           double gamma, double alpha, int32_t reduction,
                                           double *loss, double *grad_logits);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FOCAL_AOT_H */
