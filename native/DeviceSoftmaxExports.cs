using System.Runtime.InteropServices;

namespace FocalAot.Native;

/// <summary>
/// focal_device_softmax_*: the focal_softmax_* arguments and results on host memory with a device index first, run on
/// the library's context for that device (<see cref="OpenCl.OpenClSoftmaxFocalLoss"/>).
/// </summary>
internal static unsafe partial class SoftmaxExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_f32")]
    public static int DeviceForwardF32(
        int device, float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* output)
        => Forward(device, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_backward_f32")]
    public static int DeviceBackwardF32(
        int device, float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* gradOut, float* gradLogits)
        => Backward(device, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_backward_f32")]
    public static int DeviceForwardBackwardF32(
        int device, float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* loss, float* gradLogits)
        => ForwardBackward(device, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_f64")]
    public static int DeviceForwardF64(
        int device, double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* output)
        => Forward(device, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_backward_f64")]
    public static int DeviceBackwardF64(
        int device, double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options,
        double* gradOut, double* gradLogits)
        => Backward(device, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_backward_f64")]
    public static int DeviceForwardBackwardF64(
        int device, double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* loss, double* gradLogits)
        => ForwardBackward(device, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_f16")]
    public static int DeviceForwardF16(
        int device, Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* output)
        => Forward(device, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_backward_f16")]
    public static int DeviceBackwardF16(
        int device, Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* gradOut, Half* gradLogits)
        => Backward(device, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_backward_f16")]
    public static int DeviceForwardBackwardF16(
        int device, Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* loss, Half* gradLogits)
        => ForwardBackward(device, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_bf16")]
    public static int DeviceForwardBF16(
        int device, BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* output)
        => Forward(device, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_backward_bf16")]
    public static int DeviceBackwardBF16(
        int device, BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options,
        BFloat16* gradOut, BFloat16* gradLogits)
        => Backward(device, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_softmax_forward_backward_bf16")]
    public static int DeviceForwardBackwardBF16(
        int device, BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options,
        BFloat16* loss, BFloat16* gradLogits)
        => ForwardBackward(device, logits, rows, classes, targets, targetKind, options, loss, gradLogits);
}
