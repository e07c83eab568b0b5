/*
 * libfocalaot.so: the dispatcher applications link against. On first use it loads the best variant of the
 * NativeAOT library that this CPU runs (a variant built for a higher ISA level would abort the process at
 * start-up) from its own directory (symbolic links resolved) and forwards every call to it.
 * FOCALAOT_VARIANT=<name> forces a variant. If no variant fits, every call returns FOCAL_ERROR_UNSUPPORTED with the
 * reason as its error message: every variant it tried and why each failed, or the valid names.
 */
#define _GNU_SOURCE /* dladdr, realpath */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal_aot.h"

/* The header's focal_options_init is a macro over focal_options_init_sized; the dispatcher forwards both exports. */
#undef focal_options_init

/* X-macro of the forwarded API: return type, name, parameter list, argument list, value on load failure. */
/* The three operations of one element type. */
#define FOCAL_FORWARDED_OPERATIONS(X, SUFFIX, T)                                                                       \
    X(focal_status, focal_sigmoid_forward_##SUFFIX,                                                                    \
      (const T *logits, const T *targets, size_t n, const focal_options *options, T *out),                             \
      (logits, targets, n, options, out), FOCAL_ERROR_UNSUPPORTED)                                                     \
    X(focal_status, focal_sigmoid_backward_##SUFFIX,                                                                   \
      (const T *logits, const T *targets, size_t n, const focal_options *options, const T *grad_out, T *grad_logits),  \
      (logits, targets, n, options, grad_out, grad_logits), FOCAL_ERROR_UNSUPPORTED)                                   \
    X(focal_status, focal_sigmoid_forward_backward_##SUFFIX,                                                           \
      (const T *logits, const T *targets, size_t n, const focal_options *options, T *loss, T *grad_logits),            \
      (logits, targets, n, options, loss, grad_logits), FOCAL_ERROR_UNSUPPORTED)

/* The softmax operations of one element type. */
#define FOCAL_FORWARDED_SOFTMAX_OPERATIONS(X, SUFFIX, T)                                                               \
    X(focal_status, focal_softmax_forward_##SUFFIX,                                                                    \
      (const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,                         \
       const focal_options *options, T *out),                                                                          \
      (logits, rows, classes, targets, target_kind, options, out), FOCAL_ERROR_UNSUPPORTED)                            \
    X(focal_status, focal_softmax_backward_##SUFFIX,                                                                   \
      (const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,                         \
       const focal_options *options, const T *grad_out, T *grad_logits),                                               \
      (logits, rows, classes, targets, target_kind, options, grad_out, grad_logits), FOCAL_ERROR_UNSUPPORTED)          \
    X(focal_status, focal_softmax_forward_backward_##SUFFIX,                                                           \
      (const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,                         \
       const focal_options *options, T *loss, T *grad_logits),                                                         \
      (logits, rows, classes, targets, target_kind, options, loss, grad_logits), FOCAL_ERROR_UNSUPPORTED)

/* The calibration metrics of one element type (binary: uint8_t labels; _multiclass: [rows, classes] with int32_t labels). */
#define FOCAL_FORWARDED_CALIBRATION_OPERATIONS(X, SUFFIX, T)                                                           \
    X(focal_status, focal_calibration_ece_##SUFFIX,                                                                    \
      (const T *confidences, const uint8_t *labels, size_t n, int32_t bins, int32_t binning, double *out),             \
      (confidences, labels, n, bins, binning, out), FOCAL_ERROR_UNSUPPORTED)                                           \
    X(focal_status, focal_calibration_mce_##SUFFIX,                                                                    \
      (const T *confidences, const uint8_t *labels, size_t n, int32_t bins, int32_t binning, double *out),             \
      (confidences, labels, n, bins, binning, out), FOCAL_ERROR_UNSUPPORTED)                                           \
    X(focal_status, focal_calibration_ece_multiclass_##SUFFIX,                                                         \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, int32_t bins, int32_t binning,      \
       double *out),                                                                                                   \
      (probabilities, labels, rows, classes, bins, binning, out), FOCAL_ERROR_UNSUPPORTED)                             \
    X(focal_status, focal_calibration_mce_multiclass_##SUFFIX,                                                         \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, int32_t bins, int32_t binning,      \
       double *out),                                                                                                   \
      (probabilities, labels, rows, classes, bins, binning, out), FOCAL_ERROR_UNSUPPORTED)                             \
    X(focal_status, focal_calibration_classwise_ece_##SUFFIX,                                                          \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, int32_t bins, int32_t binning,      \
       double *out),                                                                                                   \
      (probabilities, labels, rows, classes, bins, binning, out), FOCAL_ERROR_UNSUPPORTED)                             \
    X(focal_status, focal_calibration_brier_##SUFFIX, (const T *confidences, const uint8_t *labels, size_t n, double *out), \
      (confidences, labels, n, out), FOCAL_ERROR_UNSUPPORTED)                                                          \
    X(focal_status, focal_calibration_nll_##SUFFIX, (const T *confidences, const uint8_t *labels, size_t n, double *out), \
      (confidences, labels, n, out), FOCAL_ERROR_UNSUPPORTED)                                                          \
    X(focal_status, focal_calibration_brier_multiclass_##SUFFIX,                                                       \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, double *out),                       \
      (probabilities, labels, rows, classes, out), FOCAL_ERROR_UNSUPPORTED)                                            \
    X(focal_status, focal_calibration_nll_multiclass_##SUFFIX,                                                         \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, double *out),                       \
      (probabilities, labels, rows, classes, out), FOCAL_ERROR_UNSUPPORTED)                                            \
    X(focal_status, focal_calibration_reliability_##SUFFIX,                                                            \
      (const T *confidences, const uint8_t *labels, size_t n, int32_t bins, int32_t binning, int64_t *counts,          \
       double *mean_confidences, double *accuracies),                                                                  \
      (confidences, labels, n, bins, binning, counts, mean_confidences, accuracies), FOCAL_ERROR_UNSUPPORTED)          \
    X(focal_status, focal_calibration_reliability_multiclass_##SUFFIX,                                                 \
      (const T *probabilities, const int32_t *labels, size_t rows, size_t classes, int32_t bins, int32_t binning,      \
       int64_t *counts, double *mean_confidences, double *accuracies),                                                 \
      (probabilities, labels, rows, classes, bins, binning, counts, mean_confidences, accuracies),                     \
      FOCAL_ERROR_UNSUPPORTED)                                                                                         \
    X(focal_status, focal_calibration_fit_temperature_##SUFFIX,                                                        \
      (const T *logits, const uint8_t *labels, size_t n, double *temperature), (logits, labels, n, temperature),      \
      FOCAL_ERROR_UNSUPPORTED)                                                                                         \
    X(focal_status, focal_calibration_fit_temperature_multiclass_##SUFFIX,                                             \
      (const T *logits, const int32_t *labels, size_t rows, size_t classes, double *temperature),                      \
      (logits, labels, rows, classes, temperature), FOCAL_ERROR_UNSUPPORTED)

/* The host-memory device operations of one element type. */
#define FOCAL_FORWARDED_DEVICE_OPERATIONS(X, SUFFIX, T)                                                                \
    X(focal_status, focal_device_sigmoid_forward_##SUFFIX,                                                             \
      (int32_t device, const T *logits, const T *targets, size_t n, const focal_options *options, T *out),             \
      (device, logits, targets, n, options, out), FOCAL_ERROR_UNSUPPORTED)                                             \
    X(focal_status, focal_device_sigmoid_backward_##SUFFIX,                                                            \
      (int32_t device, const T *logits, const T *targets, size_t n, const focal_options *options, const T *grad_out,   \
       T *grad_logits),                                                                                                \
      (device, logits, targets, n, options, grad_out, grad_logits), FOCAL_ERROR_UNSUPPORTED)                           \
    X(focal_status, focal_device_sigmoid_forward_backward_##SUFFIX,                                                    \
      (int32_t device, const T *logits, const T *targets, size_t n, const focal_options *options, T *loss,             \
       T *grad_logits),                                                                                                \
            (device, logits, targets, n, options, loss, grad_logits), FOCAL_ERROR_UNSUPPORTED)                               \
    X(focal_status, focal_device_softmax_forward_##SUFFIX,                                                             \
      (int32_t device, const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,         \
       const focal_options *options, T *out),                                                                          \
      (device, logits, rows, classes, targets, target_kind, options, out), FOCAL_ERROR_UNSUPPORTED)                    \
    X(focal_status, focal_device_softmax_backward_##SUFFIX,                                                            \
      (int32_t device, const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,         \
       const focal_options *options, const T *grad_out, T *grad_logits),                                               \
      (device, logits, rows, classes, targets, target_kind, options, grad_out, grad_logits), FOCAL_ERROR_UNSUPPORTED)  \
    X(focal_status, focal_device_softmax_forward_backward_##SUFFIX,                                                    \
      (int32_t device, const T *logits, size_t rows, size_t classes, const void *targets, int32_t target_kind,         \
       const focal_options *options, T *loss, T *grad_logits),                                                         \
      (device, logits, rows, classes, targets, target_kind, options, loss, grad_logits), FOCAL_ERROR_UNSUPPORTED)

/* The calls on a caller's OpenCL queue and buffers. */
#define FOCAL_FORWARDED_QUEUE_OPERATIONS(X)                                                                            \
    X(focal_status, focal_cl_sigmoid_forward,                                                                          \
      (void *queue, int32_t dtype, size_t n, focal_cl_buffer logits, focal_cl_buffer targets, focal_cl_buffer weights, \
       const focal_options *options, focal_cl_buffer out, void *reduced, void **event),                                \
      (queue, dtype, n, logits, targets, weights, options, out, reduced, event), FOCAL_ERROR_UNSUPPORTED)              \
    X(focal_status, focal_cl_sigmoid_backward,                                                                         \
      (void *queue, int32_t dtype, size_t n, focal_cl_buffer logits, focal_cl_buffer targets, focal_cl_buffer weights, \
       const focal_options *options, focal_cl_buffer grad_out, const void *grad_out_scalar,                            \
       focal_cl_buffer grad_logits, void **event),                                                                     \
      (queue, dtype, n, logits, targets, weights, options, grad_out, grad_out_scalar, grad_logits, event),             \
      FOCAL_ERROR_UNSUPPORTED)                                                                                         \
    X(focal_status, focal_cl_sigmoid_forward_backward,                                                                 \
      (void *queue, int32_t dtype, size_t n, focal_cl_buffer logits, focal_cl_buffer targets, focal_cl_buffer weights, \
       const focal_options *options, focal_cl_buffer loss, void *reduced, focal_cl_buffer grad_logits, void **event),  \
      (queue, dtype, n, logits, targets, weights, options, loss, reduced, grad_logits, event), FOCAL_ERROR_UNSUPPORTED) \
    X(focal_status, focal_cl_finish, (void *queue), (queue), FOCAL_ERROR_UNSUPPORTED)                                  \
    X(focal_status, focal_cl_release_queue, (void *queue), (queue), FOCAL_ERROR_UNSUPPORTED)

#define FOCAL_FORWARDED_FUNCTIONS(X)                                                                   \
    X(int32_t, focal_get_isa, (void), (), -1)                                                          \
    X(focal_status, focal_set_max_isa, (int32_t isa), (isa), FOCAL_ERROR_UNSUPPORTED)                  \
    X(focal_status, focal_set_num_threads, (int32_t threads), (threads), FOCAL_ERROR_UNSUPPORTED)      \
    X(focal_status, focal_options_init, (focal_options *options), (options), FOCAL_ERROR_UNSUPPORTED)  \
    X(focal_status, focal_options_init_sized, (focal_options *options, size_t struct_size),            \
      (options, struct_size), FOCAL_ERROR_UNSUPPORTED)                                                 \
    FOCAL_FORWARDED_OPERATIONS(X, f32, float)                                                          \
    FOCAL_FORWARDED_OPERATIONS(X, f64, double)                                                         \
    FOCAL_FORWARDED_OPERATIONS(X, f16, uint16_t)                                                       \
    FOCAL_FORWARDED_OPERATIONS(X, bf16, uint16_t)                                                      \
    FOCAL_FORWARDED_SOFTMAX_OPERATIONS(X, f32, float)                                                  \
    FOCAL_FORWARDED_SOFTMAX_OPERATIONS(X, f64, double)                                                 \
    FOCAL_FORWARDED_SOFTMAX_OPERATIONS(X, f16, uint16_t)                                               \
    FOCAL_FORWARDED_SOFTMAX_OPERATIONS(X, bf16, uint16_t)                                              \
    X(int32_t, focal_device_count, (void), (), 0)                                                      \
    X(focal_status, focal_device_get_info, (int32_t device, focal_device_info *info), (device, info),  \
      FOCAL_ERROR_UNSUPPORTED)                                                                         \
    FOCAL_FORWARDED_DEVICE_OPERATIONS(X, f32, float)                                                   \
    FOCAL_FORWARDED_DEVICE_OPERATIONS(X, f64, double)                                                  \
    FOCAL_FORWARDED_DEVICE_OPERATIONS(X, f16, uint16_t)                                                \
    FOCAL_FORWARDED_DEVICE_OPERATIONS(X, bf16, uint16_t)                                               \
    FOCAL_FORWARDED_QUEUE_OPERATIONS(X)                                                                \
    FOCAL_FORWARDED_CALIBRATION_OPERATIONS(X, f32, float)                                              \
    FOCAL_FORWARDED_CALIBRATION_OPERATIONS(X, f64, double)

#define DECLARE_POINTER(ret, name, params, args, failure) static ret(*name##_impl) params;
FOCAL_FORWARDED_FUNCTIONS(DECLARE_POINTER)
static int32_t (*focal_abi_version_impl)(void);
static const char *(*focal_version_impl)(void);
static focal_status (*focal_last_error_message_impl)(char *, size_t, size_t *);
static focal_status (*focal_device_unavailable_reason_impl)(char *, size_t, size_t *);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_error[8192 + 512];
static char variant_name[32];

/* Variants from the highest ISA level down; the first one this CPU supports is loaded. */
static const char *const variants[] = {
#if defined(__x86_64__)
    "x86-64-v4", "x86-64-v3", "x86-64-v2",
#elif defined(__aarch64__)
    "arm64",
#endif
};

static int cpu_runs(const char *variant) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (strcmp(variant, "x86-64-v4") == 0) return __builtin_cpu_supports("x86-64-v4");
    if (strcmp(variant, "x86-64-v3") == 0) return __builtin_cpu_supports("x86-64-v3");
    if (strcmp(variant, "x86-64-v2") == 0) return __builtin_cpu_supports("x86-64-v2");
    return 0;
#else
    return strcmp(variant, "arm64") == 0;
#endif
}

enum { VARIANT_COUNT = sizeof variants / sizeof variants[0] };

static int is_variant(const char *name) {
    for (size_t i = 0; i < VARIANT_COUNT; i++)
        if (strcmp(name, variants[i]) == 0) return 1;
    return 0;
}

/* Appends to load_error (truncating at its size). */
static void add_error(const char *format, ...) {
    size_t used = strlen(load_error);
    if (used + 1 >= sizeof load_error) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(load_error + used, sizeof load_error - used, format, arguments);
    va_end(arguments);
}

/* ", "-separated names: every variant, or (cpu_only) those this CPU runs ("none" if it runs none). */
static void add_variant_list(int cpu_only) {
    int any = 0;
    for (size_t i = 0; i < VARIANT_COUNT; i++) {
        if (cpu_only && !cpu_runs(variants[i])) continue;
        add_error("%s%s", any ? ", " : "", variants[i]);
        any = 1;
    }
    if (!any) add_error("none");
}

/* Loads one variant; on failure appends why to load_error and returns 0. */
static int load_variant(const char *directory, const char *variant) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/libfocalaot-%s.so", directory, variant);
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        add_error("%s", dlerror()); /* "<path>: <why>" */
        return 0;
    }
#define RESOLVE(ret, name, params, args, failure)                                                             \
    if ((*(void **)&name##_impl = dlsym(library, #name)) == NULL) goto missing;
    FOCAL_FORWARDED_FUNCTIONS(RESOLVE)
    RESOLVE(, focal_abi_version, , , )
    RESOLVE(, focal_version, , , )
    RESOLVE(, focal_last_error_message, , , )
    RESOLVE(, focal_device_unavailable_reason, , , )
    if (focal_abi_version_impl() != FOCAL_ABI_VERSION) {
        add_error("%s has ABI version %d, this dispatcher needs %d", path, focal_abi_version_impl(), FOCAL_ABI_VERSION);
        return 0;
    }
    snprintf(variant_name, sizeof variant_name, "%s", variant);
    return 1;
missing:
    add_error("%s lacks an export: %s", path, dlerror());
    return 0;
}

static void load_best_variant(void) {
    /* The folder of this library's file: through symbolic links, so that a link elsewhere finds the variants. */
    Dl_info self;
    char directory[PATH_MAX] = ".";
    if (dladdr((void *)&loaded, &self) != 0 && self.dli_fname != NULL) {
        if (realpath(self.dli_fname, directory) == NULL) snprintf(directory, sizeof directory, "%s", self.dli_fname);
        char *slash = strrchr(directory, '/');
        if (slash != NULL) *slash = '\0'; else strcpy(directory, ".");
    }

    const char *forced = getenv("FOCALAOT_VARIANT");
    if (forced != NULL && *forced != '\0') {
        if (!is_variant(forced)) {
            add_error("libfocalaot: FOCALAOT_VARIANT=%s is not a variant name; the variants are ", forced);
            add_variant_list(0);
            add_error(" (this CPU runs: ");
            add_variant_list(1);
            add_error(")");
        } else if (!cpu_runs(forced)) {
            add_error("libfocalaot: FOCALAOT_VARIANT=%s is not a variant this CPU runs (it runs: ", forced);
            add_variant_list(1);
            add_error(")");
        } else {
            add_error("libfocalaot: FOCALAOT_VARIANT=%s: ", forced);
            loaded = load_variant(directory, forced);
        }
        return;
    }

    add_error("libfocalaot: no library variant could be loaded (this CPU runs: ");
    add_variant_list(1);
    add_error(")");
    for (size_t i = 0; i < VARIANT_COUNT && !loaded; i++) {
        if (!cpu_runs(variants[i])) continue;
        add_error("; %s: ", variants[i]);
        loaded = load_variant(directory, variants[i]);
    }
}

static int ensure_loaded(void) {
    pthread_once(&load_once, load_best_variant);
    return loaded;
}

#define DEFINE_FORWARDER(ret, name, params, args, failure)                                                    \
    ret name params {                                                                                         \
        return ensure_loaded() ? name##_impl args : (failure);                                                \
    }
FOCAL_FORWARDED_FUNCTIONS(DEFINE_FORWARDER)

int32_t focal_abi_version(void) { return ensure_loaded() ? focal_abi_version_impl() : -1; }

const char *focal_version(void) { return ensure_loaded() ? focal_version_impl() : FOCAL_VERSION_STRING; }

/* The dispatcher's own answer: the variant it loaded, whose name it knows, or "" when it loaded none. */
const char *focal_loaded_variant(void) { return ensure_loaded() ? variant_name : ""; }

/* The load failure as the text of a message entry, by focal_last_error_message's copy protocol. */
static focal_status copy_load_error(char *buffer, size_t capacity, size_t *needed) {
    size_t size = strlen(load_error) + 1;
    if (needed != NULL) *needed = size;
    if (buffer == NULL) return capacity == 0 ? FOCAL_OK : FOCAL_ERROR_NULL_POINTER;
    if (capacity == 0) return FOCAL_ERROR_BUFFER_TOO_SMALL;
    size_t copied = size <= capacity ? size - 1 : capacity - 1;
    memcpy(buffer, load_error, copied);
    buffer[copied] = '\0';
    return copied == size - 1 ? FOCAL_OK : FOCAL_ERROR_BUFFER_TOO_SMALL;
}

focal_status focal_last_error_message(char *buffer, size_t capacity, size_t *needed) {
    if (ensure_loaded()) return focal_last_error_message_impl(buffer, capacity, needed);
    return copy_load_error(buffer, capacity, needed);
}

/* Without a library there are no devices, and the reason is why it did not load. */
focal_status focal_device_unavailable_reason(char *buffer, size_t capacity, size_t *needed) {
    if (ensure_loaded()) return focal_device_unavailable_reason_impl(buffer, capacity, needed);
    return copy_load_error(buffer, capacity, needed);
}
