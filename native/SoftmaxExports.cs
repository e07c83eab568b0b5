using System.Runtime.InteropServices;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>
/// focal_softmax_* exports: one per operation and element type, each a thin shim over the generic
/// <see cref="SoftmaxFocalLoss"/> API; the target kind picks the target type.
/// </summary>
internal static unsafe class SoftmaxExports
{
    private const int IndexInt32 = 0;
    private const int IndexInt64 = 1;
    private const int Probabilities = 2;

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f32")]
    public static int ForwardF32(float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* output)
        => Forward(logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f64")]
    public static int ForwardF64(double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* output)
        => Forward(logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f32")]
    public static int BackwardF32(
        float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* gradOut, float* gradLogits)
        => Backward(logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f64")]
    public static int BackwardF64(
        double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* gradOut, double* gradLogits)
        => Backward(logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f32")]
    public static int ForwardBackwardF32(
        float* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, float* loss, float* gradLogits)
        => ForwardBackward(logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f64")]
    public static int ForwardBackwardF64(
        double* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, double* loss, double* gradLogits)
        => ForwardBackward(logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_f16")]
    public static int ForwardF16(Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* output)
        => Forward(logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_bf16")]
    public static int ForwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* output)
        => Forward(logits, rows, classes, targets, targetKind, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_f16")]
    public static int BackwardF16(
        Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* gradOut, Half* gradLogits)
        => Backward(logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_backward_bf16")]
    public static int BackwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* gradOut,
        BFloat16* gradLogits)
        => Backward(logits, rows, classes, targets, targetKind, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_f16")]
    public static int ForwardBackwardF16(
        Half* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, Half* loss, Half* gradLogits)
        => ForwardBackward(logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_softmax_forward_backward_bf16")]
    public static int ForwardBackwardBF16(
        BFloat16* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, BFloat16* loss,
        BFloat16* gradLogits)
        => ForwardBackward(logits, rows, classes, targets, targetKind, options, loss, gradLogits);

    private static int Forward<T>(T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* output)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            return targetKind switch
            {
                IndexInt32 => Forward(call, call.Targets<int>(), output),
                IndexInt64 => Forward(call, call.Targets<long>(), output),
                _ => Forward(call, call.Targets<T>(), output),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Forward<T, TTarget>(in Call<T> call, ReadOnlySpan<TTarget> targets, T* output)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (!call.Options.Reduction.IsReduced)
            SoftmaxFocalLoss.Forward(call.Logits, targets, call.Shape, Output(output, call.Samples, "out"), call.Options);
        else
            Scalar(output, "out") = SoftmaxFocalLoss.Forward(call.Logits, targets, call.Shape, call.Options);
        return (int)Status.Ok;
    }

    private static int Backward<T>(
        T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* gradOut, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            var gradient = Output(gradLogits, call.Logits.Length, "grad_logits");
            return targetKind switch
            {
                IndexInt32 => Backward(call, call.Targets<int>(), gradOut, gradient),
                IndexInt64 => Backward(call, call.Targets<long>(), gradOut, gradient),
                _ => Backward(call, call.Targets<T>(), gradOut, gradient),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Backward<T, TTarget>(in Call<T> call, ReadOnlySpan<TTarget> targets, T* gradOut, Span<T> gradient)
        where T : unmanaged
        where TTarget : unmanaged
    {
        var options = call.Options;
        if (options.Reduction.IsReduced)
            SoftmaxFocalLoss.Backward(call.Logits, targets, call.Shape, gradOut == null ? One<T>() : *gradOut, gradient, options);
        else if (gradOut != null)
            SoftmaxFocalLoss.Backward(call.Logits, targets, call.Shape, Input(gradOut, call.Samples, "grad_out"), gradient, options);
        else // d(sum)/dx = the per-row gradients with an upstream of ones
            SoftmaxFocalLoss.Backward(call.Logits, targets, call.Shape, One<T>(), gradient, options with { Reduction = FocalReduction.Sum });
        return (int)Status.Ok;
    }

    private static int ForwardBackward<T>(
        T* logits, nuint rows, nuint classes, void* targets, int targetKind, FocalOptions* options, T* loss, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var call = new Call<T>(logits, rows, classes, targets, targetKind, options);
            var gradient = Output(gradLogits, call.Logits.Length, "grad_logits");
            return targetKind switch
            {
                IndexInt32 => ForwardBackward(call, call.Targets<int>(), loss, gradLogits, gradient),
                IndexInt64 => ForwardBackward(call, call.Targets<long>(), loss, gradLogits, gradient),
                _ => ForwardBackward(call, call.Targets<T>(), loss, gradLogits, gradient),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.ForwardBackward);
        }
    }

    private static int ForwardBackward<T, TTarget>(in Call<T> call, ReadOnlySpan<TTarget> targets, T* loss, T* gradLogits, Span<T> gradient)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (!call.Options.Reduction.IsReduced)
        {
            SoftmaxFocalLoss.ForwardBackward(call.Logits, targets, call.Shape, Output(loss, call.Samples, "loss"), gradient, call.Options);
        }
        else
        {
            // The reduced loss is written after the gradient: inside it, it would overwrite one element.
            RequireOutside(loss, "loss", gradLogits, gradient.Length, "grad_logits");
            Scalar(loss, "loss") = SoftmaxFocalLoss.ForwardBackward(call.Logits, targets, call.Shape, gradient, call.Options);
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
            Options = Options<T>(source, Samples);
        }

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
