using System.Runtime.InteropServices;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>
/// focal_sigmoid_* exports: one per operation and element type, each a thin shim over the generic
/// <see cref="SigmoidFocalLoss"/> API that maps C arguments in and exceptions out.
/// </summary>
internal static unsafe class SigmoidExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_f32")]
    public static int ForwardF32(float* logits, float* targets, nuint n, FocalOptions* options, float* output)
        => Forward(logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_f64")]
    public static int ForwardF64(double* logits, double* targets, nuint n, FocalOptions* options, double* output)
        => Forward(logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_f16")]
    public static int ForwardF16(Half* logits, Half* targets, nuint n, FocalOptions* options, Half* output)
        => Forward(logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_bf16")]
    public static int ForwardBF16(BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* output)
        => Forward(logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_f32")]
    public static int BackwardF32(float* logits, float* targets, nuint n, FocalOptions* options, float* gradOut, float* gradLogits)
        => Backward(logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_f64")]
    public static int BackwardF64(double* logits, double* targets, nuint n, FocalOptions* options, double* gradOut, double* gradLogits)
        => Backward(logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_f16")]
    public static int BackwardF16(Half* logits, Half* targets, nuint n, FocalOptions* options, Half* gradOut, Half* gradLogits)
        => Backward(logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_bf16")]
    public static int BackwardBF16(
        BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* gradOut, BFloat16* gradLogits)
        => Backward(logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_f32")]
    public static int ForwardBackwardF32(float* logits, float* targets, nuint n, FocalOptions* options, float* loss, float* gradLogits)
        => ForwardBackward(logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_f64")]
    public static int ForwardBackwardF64(double* logits, double* targets, nuint n, FocalOptions* options, double* loss, double* gradLogits)
        => ForwardBackward(logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_f16")]
    public static int ForwardBackwardF16(Half* logits, Half* targets, nuint n, FocalOptions* options, Half* loss, Half* gradLogits)
        => ForwardBackward(logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_bf16")]
    public static int ForwardBackwardBF16(
        BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* loss, BFloat16* gradLogits)
        => ForwardBackward(logits, targets, n, options, loss, gradLogits);

    private static int Forward<T>(T* logits, T* targets, nuint n, FocalOptions* options, T* output)
        where T : unmanaged
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var settings = Options<T>(options, length);
            if (!settings.Reduction.IsReduced)
                SigmoidFocalLoss.Forward(x, y, Output(output, length, "out"), settings);
            else
                Scalar(output, "out") = SigmoidFocalLoss.Forward(x, y, settings);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Backward<T>(T* logits, T* targets, nuint n, FocalOptions* options, T* gradOut, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            var settings = Options<T>(options, length);
            if (settings.Reduction.IsReduced)
                SigmoidFocalLoss.Backward(x, y, gradOut == null ? One<T>() : *gradOut, gradient, settings);
            else if (gradOut != null)
                SigmoidFocalLoss.Backward(x, y, Input(gradOut, length, "grad_out"), gradient, settings);
            else // d(sum)/dx_i = dloss_i/dx_i: the per-element gradient with an upstream of ones
                SigmoidFocalLoss.Backward(x, y, One<T>(), gradient, settings with { Reduction = FocalReduction.Sum });
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int ForwardBackward<T>(T* logits, T* targets, nuint n, FocalOptions* options, T* loss, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            var settings = Options<T>(options, length);
            if (!settings.Reduction.IsReduced)
            {
                SigmoidFocalLoss.ForwardBackward(x, y, Output(loss, length, "loss"), gradient, settings);
            }
            else
            {
                // The reduced loss is written after the gradient: inside it, it would overwrite one element.
                RequireOutside(loss, "loss", gradLogits, length, "grad_logits");
                Scalar(loss, "loss") = SigmoidFocalLoss.ForwardBackward(x, y, gradient, settings);
            }

            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.ForwardBackward);
        }
    }
}
