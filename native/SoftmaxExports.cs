using System.Runtime.InteropServices;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>
/// focal_softmax_* and focal_device_softmax_* exports: one per operation and element type, each a thin shim over the
/// generic <see cref="SoftmaxFocalLoss"/> API, or over <see cref="OpenCl.OpenClSoftmaxFocalLoss"/>'s host-span operations on
/// the library's context for a device (with the CPU entries' rules, overlap included); the target kind picks the
/// target type.
/// </summary>
internal static unsafe partial class SoftmaxExports
{
    private const int IndexInt32 = 0;
    private const int IndexInt64 = 1;
    private const int Probabilities = 2;

    /// <summary>The device argument of the CPU entries.</summary>
    private const int Cpu = -1;

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f32")]
    public static int ForwardF32(float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* output)
        => Forward(Cpu, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f64")]
    public static int ForwardF64(double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* output)
        => Forward(Cpu, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f32")]
    public static int BackwardF32(
        float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* gradOut, float* gradLogits)
        => Backward(Cpu, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f64")]
    public static int BackwardF64(
        double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* gradOut, double* gradLogits)
        => Backward(Cpu, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f32")]
    public static int ForwardBackwardF32(
        float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* loss, float* gradLogits)
        => ForwardBackward(Cpu, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f64")]
    public static int ForwardBackwardF64(
        double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* loss, double* gradLogits)
        => ForwardBackward(Cpu, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f16")]
    public static int ForwardF16(Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* output)
        => Forward(Cpu, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_bf16")]
    public static int ForwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* output)
        => Forward(Cpu, logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f16")]
    public static int BackwardF16(
        Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* gradOut, Half* gradLogits)
        => Backward(Cpu, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_bf16")]
    public static int BackwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* gradOut,
        BFloat16* gradLogits)
        => Backward(Cpu, logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f16")]
    public static int ForwardBackwardF16(
        Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* loss, Half* gradLogits)
        => ForwardBackward(Cpu, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_bf16")]
    public static int ForwardBackwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* loss,
        BFloat16* gradLogits)
        => ForwardBackward(Cpu, logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    private static int Forward<T>(int device, T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* output)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            return device == Cpu ? Forward(default(CpuRunner), call, output) : Forward(DeviceRunner.For(device), call, output);
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Forward<T, TRunner>(TRunner runner, in Call<T> call, T* output)
        where T : unmanaged
        where TRunner : struct, IRunner
        => call.TargetKind switch
        {
            IndexInt32 => Forward(runner, call, call.Targets<int>(), output),
            IndexInt64 => Forward(runner, call, call.Targets<long>(), output),
            _ => Forward(runner, call, call.Targets<T>(), output),
        };

    private static int Forward<T, TTarget, TRunner>(TRunner runner, in Call<T> call, ReadOnlySpan<TTarget> targets, T* output)
        where T : unmanaged
        where TTarget : unmanaged
        where TRunner : struct, IRunner
    {
        if (!call.Options.Reduction.IsReduced)
        {
            var losses = Output(output, call.Samples, "out");
            runner.RequireOutput(losses, "out", call, targets, inPlaceOverLogits: false);
            runner.Forward(call.Logits, targets, call.Shape, losses, call.Options);
        }
        else
        {
            Scalar(output, "out") = runner.Forward(call.Logits, targets, call.Shape, call.Options);
        }

        return (int)Status.Ok;
    }

    private static int Backward<T>(
        int device, T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* gradOut, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            var gradient = Output(gradLogits, call.Logits.Length, "grad_logits");
            return device == Cpu
                ? Backward(default(CpuRunner), call, gradOut, gradient)
                : Backward(DeviceRunner.For(device), call, gradOut, gradient);
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Backward<T, TRunner>(TRunner runner, in Call<T> call, T* gradOut, Span<T> gradient)
        where T : unmanaged
        where TRunner : struct, IRunner
        => call.TargetKind switch
        {
            IndexInt32 => Backward(runner, call, call.Targets<int>(), gradOut, gradient),
            IndexInt64 => Backward(runner, call, call.Targets<long>(), gradOut, gradient),
            _ => Backward(runner, call, call.Targets<T>(), gradOut, gradient),
        };

    private static int Backward<T, TTarget, TRunner>(TRunner runner, in Call<T> call, ReadOnlySpan<TTarget> targets, T* gradOut, Span<T> gradient)
        where T : unmanaged
        where TTarget : unmanaged
        where TRunner : struct, IRunner
    {
        var options = call.Options;
        if (options.Reduction.IsReduced)
        {
            runner.RequireOutput(gradient, "grad_logits", call, targets, inPlaceOverLogits: true);
            runner.Backward(call.Logits, targets, call.Shape, gradOut == null ? One<T>() : *gradOut, gradient, options);
        }
        else if (gradOut != null)
        {
            var upstream = Input(gradOut, call.Samples, "grad_out");
            runner.RequireOutput(gradient, "grad_logits", call, targets, inPlaceOverLogits: true, upstream);
            runner.Backward(call.Logits, targets, call.Shape, upstream, gradient, options);
        }
        else
        {
            // d(sum)/dx = the per-row gradients with an upstream of ones.
            runner.RequireOutput(gradient, "grad_logits", call, targets, inPlaceOverLogits: true);
            runner.Backward(call.Logits, targets, call.Shape, One<T>(), gradient, options with { Reduction = FocalReduction.Sum });
        }

        return (int)Status.Ok;
    }

    private static int ForwardBackward<T>(
        int device, T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* loss, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            var gradient = Output(gradLogits, call.Logits.Length, "grad_logits");
            return device == Cpu
                ? ForwardBackward(default(CpuRunner), call, loss, gradLogits, gradient)
                : ForwardBackward(DeviceRunner.For(device), call, loss, gradLogits, gradient);
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.ForwardBackward);
        }
    }

    private static int ForwardBackward<T, TRunner>(TRunner runner, in Call<T> call, T* loss, T* gradLogits, Span<T> gradient)
        where T : unmanaged
        where TRunner : struct, IRunner
        => call.TargetKind switch
        {
            IndexInt32 => ForwardBackward(runner, call, call.Targets<int>(), loss, gradLogits, gradient),
            IndexInt64 => ForwardBackward(runner, call, call.Targets<long>(), loss, gradLogits, gradient),
            _ => ForwardBackward(runner, call, call.Targets<T>(), loss, gradLogits, gradient),
        };

    private static int ForwardBackward<T, TTarget, TRunner>(
        TRunner runner, in Call<T> call, ReadOnlySpan<TTarget> targets, T* loss, T* gradLogits, Span<T> gradient)
        where T : unmanaged
        where TTarget : unmanaged
        where TRunner : struct, IRunner
    {
        runner.RequireOutput(gradient, "grad_logits", call, targets, inPlaceOverLogits: true);
        if (!call.Options.Reduction.IsReduced)
        {
            var losses = Output(loss, call.Samples, "loss");
            runner.RequireOutput(losses, "loss", call, targets, inPlaceOverLogits: false);
            runner.RequireApart(losses, gradient);
            runner.ForwardBackward(call.Logits, targets, call.Shape, losses, gradient, call.Options);
        }
        else
        {
            // The reduced loss is written after the gradient: inside it, it would overwrite one element.
            RequireOutside(loss, "loss", gradLogits, gradient.Length, "grad_logits");
            Scalar(loss, "loss") = runner.ForwardBackward(call.Logits, targets, call.Shape, gradient, call.Options);
        }

        return (int)Status.Ok;
    }

    /// <summary>The shape, logits, target pointer and options of one call, checked by the header's rules.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
    private readonly ref struct Call<T>
        where T : unmanaged
    {
        private readonly void* targets;

        public Call(T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options)
        {
            if (classes == 0 || classes > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 1 and at most INT32_MAX.");
            var source = Read(options);
            var spatial = source.Spatial;
            if (spatial == 0 || spatial > int.MaxValue)
                throw new ArgumentOutOfRangeException("spatial", spatial, "spatial must be >= 1 (1 for [N, C] rows) and at most INT32_MAX.");
            if (rows > (nuint)(int.MaxValue / (long)classes / (long)spatial))
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows, spatial == 1
                    ? "rows * classes must be at most INT32_MAX."
                    : "rows * classes * options->spatial must be at most INT32_MAX.");
            }

            if (targetKind is not (IndexInt32 or IndexInt64 or Probabilities))
            {
                throw new ArgumentOutOfRangeException("target_kind", targetKind,
                    "target_kind must be FOCAL_TARGET_INDEX_I32 (0), FOCAL_TARGET_INDEX_I64 (1) or FOCAL_TARGET_PROBABILITIES (2).");
            }

            Shape = new SoftmaxShape((int)classes, (int)spatial);
            Samples = (int)rows * (int)spatial;
            Logits = Input(logits, Samples * (int)classes, "logits");
            this.targets = targets;
            TargetKind = targetKind;
            Options = Options<T>(source, Samples);
        }

        /// <summary>FOCAL_TARGET_*: which type <see cref="Targets{TTarget}"/> reads.</summary>
        public int TargetKind { get; }

        /// <summary>C, and S of [N, C, S] logits (options->spatial).</summary>
        public SoftmaxShape Shape { get; }

        /// <summary>N·S: the class-index targets, per-sample losses and upstream gradients.</summary>
        public int Samples { get; }

        public ReadOnlySpan<T> Logits { get; }

        public FocalLossOptions<T> Options { get; }

        /// <summary>The targets as <typeparamref name="TTarget"/>: one per sample for class indices, else one per logit.</summary>
        public ReadOnlySpan<TTarget> Targets<TTarget>()
            where TTarget : unmanaged
            => Input((TTarget*)targets, typeof(TTarget) == typeof(int) || typeof(TTarget) == typeof(long) ? Samples : Logits.Length, "targets");
    }
}
