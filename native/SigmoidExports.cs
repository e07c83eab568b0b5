using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Drivers;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>focal_sigmoid_* exports: validate, call the runtime, map errors to statuses.</summary>
internal static unsafe class SigmoidExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_f32")]
    public static int ForwardF32(float* logits, float* targets, nuint n, double gamma, double alpha, int reduction, float* output)
        => Forward(logits, targets, n, gamma, alpha, reduction, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_f64")]
    public static int ForwardF64(double* logits, double* targets, nuint n, double gamma, double alpha, int reduction, double* output)
        => Forward(logits, targets, n, gamma, alpha, reduction, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_f32")]
    public static int BackwardF32(
        float* logits, float* targets, nuint n, double gamma, double alpha, int reduction, float* gradOut, float* gradLogits)
        => Backward(logits, targets, n, gamma, alpha, reduction, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_backward_f64")]
    public static int BackwardF64(
        double* logits, double* targets, nuint n, double gamma, double alpha, int reduction, double* gradOut, double* gradLogits)
        => Backward(logits, targets, n, gamma, alpha, reduction, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_f32")]
    public static int ForwardBackwardF32(
        float* logits, float* targets, nuint n, double gamma, double alpha, int reduction, float* loss, float* gradLogits)
        => ForwardBackward(logits, targets, n, gamma, alpha, reduction, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_sigmoid_forward_backward_f64")]
    public static int ForwardBackwardF64(
        double* logits, double* targets, nuint n, double gamma, double alpha, int reduction, double* loss, double* gradLogits)
        => ForwardBackward(logits, targets, n, gamma, alpha, reduction, loss, gradLogits);

    private static int Forward<T>(T* logits, T* targets, nuint n, double gamma, double alpha, int reduction, T* output)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            if (reduction == ReductionNone)
                SigmoidFocalCore<T>.Forward(new RuntimeGammaRunner<T>(gamma), x, y, Output(output, length, "out"), alpha);
            else
                Scalar(output, "out") = SigmoidFocalCore<T>.Forward(new RuntimeGammaRunner<T>(gamma), x, y, Reduction(reduction), alpha);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Backward<T>(
        T* logits, T* targets, nuint n, double gamma, double alpha, int reduction, T* gradOut, T* gradLogits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            if (reduction == ReductionNone && gradOut != null)
                SigmoidFocalCore<T>.Backward(new RuntimeGammaRunner<T>(gamma), x, y, Input(gradOut, length, "grad_out"), gradient, alpha);
            else if (reduction == ReductionNone)
                SigmoidFocalCore<T>.Backward(new RuntimeGammaRunner<T>(gamma), x, y, FocalReduction.Sum, T.One, gradient, alpha); // d(sum)/dx_i = dloss_i/dx_i
            else
                SigmoidFocalCore<T>.Backward(new RuntimeGammaRunner<T>(gamma), x, y, Reduction(reduction), Upstream(gradOut), gradient, alpha);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int ForwardBackward<T>(
        T* logits, T* targets, nuint n, double gamma, double alpha, int reduction, T* loss, T* gradLogits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            if (reduction == ReductionNone)
                SigmoidFocalCore<T>.ForwardBackward(new RuntimeGammaRunner<T>(gamma), x, y, Output(loss, length, "loss"), gradient, alpha);
            else
                Scalar(loss, "loss") = SigmoidFocalCore<T>.ForwardBackward(new RuntimeGammaRunner<T>(gamma), x, y, Reduction(reduction), gradient, alpha);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }
}
