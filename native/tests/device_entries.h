/* The four element types of libfocalaot's entries, the CPU and device entries behind one signature each, and typed
 * access to their data (for the device tests and the device check). */
#ifndef FOCAL_DEVICE_ENTRIES_H
#define FOCAL_DEVICE_ENTRIES_H

#include <stdint.h>

#include "focal_aot.h"
#include "half_bits.h"

typedef focal_status (*forward_fn)(int32_t device, const void *x, const void *y, size_t n, const focal_options *o, void *out);
typedef focal_status (*backward_fn)(int32_t device, const void *x, const void *y, size_t n, const focal_options *o,
                                    const void *grad_out, void *grad);
typedef focal_status (*fused_fn)(int32_t device, const void *x, const void *y, size_t n, const focal_options *o, void *loss,
                                 void *grad);

/* device < 0: the CPU entry. */
#define DEFINE_ENTRIES(SUFFIX, T)                                                                                         \
    static focal_status forward_##SUFFIX(int32_t device, const void *x, const void *y, size_t n, const focal_options *o,  \
                                         void *out) {                                                                     \
        return device < 0 ? focal_sigmoid_forward_##SUFFIX(x, y, n, o, out)                                               \
                          : focal_device_sigmoid_forward_##SUFFIX(device, x, y, n, o, out);                               \
    }                                                                                                                     \
    static focal_status backward_##SUFFIX(int32_t device, const void *x, const void *y, size_t n, const focal_options *o, \
                                          const void *grad_out, void *grad) {                                             \
        return device < 0 ? focal_sigmoid_backward_##SUFFIX(x, y, n, o, grad_out, grad)                                   \
                          : focal_device_sigmoid_backward_##SUFFIX(device, x, y, n, o, grad_out, grad);                   \
    }                                                                                                                     \
    static focal_status fused_##SUFFIX(int32_t device, const void *x, const void *y, size_t n, const focal_options *o,    \
                                       void *loss, void *grad) {                                                          \
        return device < 0 ? focal_sigmoid_forward_backward_##SUFFIX(x, y, n, o, loss, grad)                               \
                          : focal_device_sigmoid_forward_backward_##SUFFIX(device, x, y, n, o, loss, grad);               \
    }
DEFINE_ENTRIES(f32, float)
DEFINE_ENTRIES(f64, double)
DEFINE_ENTRIES(f16, uint16_t)
DEFINE_ENTRIES(bf16, uint16_t)

typedef struct {
    const char *name;
    int32_t dtype;
    size_t size;
    forward_fn forward;
    backward_fn backward;
    fused_fn fused;
} element_type;

static const element_type types[] = {
    {"f32", FOCAL_DTYPE_F32, sizeof(float), forward_f32, backward_f32, fused_f32},
    {"f64", FOCAL_DTYPE_F64, sizeof(double), forward_f64, backward_f64, fused_f64},
    {"f16", FOCAL_DTYPE_F16, sizeof(uint16_t), forward_f16, backward_f16, fused_f16},
    {"bf16", FOCAL_DTYPE_BF16, sizeof(uint16_t), forward_bf16, backward_bf16, fused_bf16},
};
enum { TYPE_COUNT = sizeof types / sizeof types[0] };

static void store(const element_type *type, void *data, size_t i, double value) {
    switch (type->dtype) {
    case FOCAL_DTYPE_F32: ((float *)data)[i] = (float)value; break;
    case FOCAL_DTYPE_F64: ((double *)data)[i] = value; break;
    case FOCAL_DTYPE_F16: ((uint16_t *)data)[i] = float_to_f16((float)value); break;
    default: ((uint16_t *)data)[i] = float_to_bf16((float)value); break;
    }
}

static double load(const element_type *type, const void *data, size_t i) {
    switch (type->dtype) {
    case FOCAL_DTYPE_F32: return ((const float *)data)[i];
    case FOCAL_DTYPE_F64: return ((const double *)data)[i];
    case FOCAL_DTYPE_F16: return f16_to_float(((const uint16_t *)data)[i]);
    default: return bf16_to_float(((const uint16_t *)data)[i]);
    }
}

#endif
