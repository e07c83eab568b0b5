using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The softmax focal-loss operations for one storage type <typeparamref name="TStorage"/> computed in
/// <typeparamref name="T"/>: the argument rules, pinning, the reduction's denominator, the choice of the modulating
/// factor and the kernel call.
/// </summary>
internal static unsafe class SoftmaxFocalCall<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static void Forward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<TStorage> losses,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        var rows = SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: false);
        SoftmaxFocalRules<TStorage>.RequireLength(losses.Length, rows, nameof(losses), "one loss per row");
        RequireNoOverlap(losses, logits, targets, options, nameof(losses));
        fixed (TStorage* loss = losses)
            Run<ForwardMode, TRunner, TTarget>(runner, logits, targets, shape, options, new Outputs { Losses = loss, UpstreamScale = 1 });
    }

    public static TStorage Forward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: true);
        var denominator = Denominator(targets, shape, options);
        var sum = Run<ForwardMode, TRunner, TTarget>(runner, logits, targets, shape, options, new Outputs { UpstreamScale = 1, Reduce = true });
        return ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(sum / denominator));
    }

    public static void Backward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<TStorage> upstream,
        Span<TStorage> gradient,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        var rows = SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: false);
        SoftmaxFocalRules<TStorage>.RequireLength(upstream.Length, rows, nameof(upstream), "one upstream gradient per row");
        ValidateGradient(gradient, logits, targets, options, upstream);
        fixed (TStorage* up = upstream, grad = gradient)
        {
            var outputs = new Outputs { Gradient = grad, Upstream = up, UpstreamScale = 1 };
            Run<BackwardMode, TRunner, TTarget>(runner, logits, targets, shape, options, outputs);
        }
    }

    public static void Backward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, TStorage upstream,
        Span<TStorage> gradient,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: true);
        ValidateGradient(gradient, logits, targets, options);
        var scale = ElementStorage.ToDouble(upstream) / Denominator(targets, shape, options);
        fixed (TStorage* grad = gradient)
        {
            var outputs = new Outputs { Gradient = grad, UpstreamScale = scale, Reduce = true };
            Run<BackwardMode, TRunner, TTarget>(runner, logits, targets, shape, options, outputs);
        }
    }

    public static void ForwardBackward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<TStorage> losses,
        Span<TStorage> gradient,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        var rows = SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: false);
        SoftmaxFocalRules<TStorage>.RequireLength(losses.Length, rows, nameof(losses), "one loss per row");
        RequireNoOverlap(losses, logits, targets, options, nameof(losses));
        ValidateGradient(gradient, logits, targets, options);
        if (losses.Overlaps(gradient))
            throw new ArgumentException("gradient must not overlap losses.", nameof(gradient));
        fixed (TStorage* loss = losses, grad = gradient)
        {
            var outputs = new Outputs { Losses = loss, Gradient = grad, UpstreamScale = 1 };
            Run<FusedMode, TRunner, TTarget>(runner, logits, targets, shape, options, outputs);
        }
    }

    public static TStorage ForwardBackward<TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<TStorage> gradient,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        runner.Validate(options);
        SoftmaxFocalRules<TStorage>.Validate(logits, targets, shape, options, reduced: true);
        ValidateGradient(gradient, logits, targets, options);
        var denominator = Denominator(targets, shape, options);
        double sum;
        fixed (TStorage* grad = gradient)
        {
            var outputs = new Outputs { Gradient = grad, UpstreamScale = 1 / denominator, Reduce = true };
            sum = Run<FusedMode, TRunner, TTarget>(runner, logits, targets, shape, options, outputs);
        }

        return ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(sum / denominator));
    }

    /// <summary>
    /// What the reduced sum is divided by: 1, the normalizer, the number of counted rows (rows whose target is not the
    /// ignore index), or Σ weight·α over counted rows, α being the target class's (soft targets: Σ_j y_j α_j).
    /// </summary>
    public static double Denominator<TTarget>(ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<TStorage> options)
        where TTarget : unmanaged
    {
        var kind = options.Reduction.Kind;
        if (kind is not (FocalReductionKind.Mean or FocalReductionKind.WeightedMean))
            return options.Reduction.Normalizer;

        var index = SoftmaxFocalRules<TStorage>.IsIndexType<TTarget>();
        var (classes, spatial) = (shape.Classes, shape.Spatial);
        var rows = index ? targets.Length : targets.Length / classes;
        if (index && kind == FocalReductionKind.Mean)
            return rows - IgnoredRows(targets, options.IgnoreIndex);

        var scalarAlpha = options.ClassAlpha.IsEmpty && options.Alpha >= 0 ? options.Alpha : 1;
        var total = 0.0;
        for (var row = 0; row < rows; row++)
        {
            var target = index ? TargetAt(targets, row) : 0;
            if (index && target == options.IgnoreIndex)
                continue;
            if (kind == FocalReductionKind.Mean)
            {
                total += 1;
                continue;
            }

            var classWeight = 0.0;
            if (index)
            {
                classWeight = options.ClassAlpha.IsEmpty ? scalarAlpha : options.ClassAlpha[(int)target];
            }
            else
            {
                // Sample n·S + s has its probability of class c at (n·C + c)·S + s.
                var probabilities = MemoryMarshal.Cast<TTarget, TStorage>(targets);
                var first = ((row / spatial) * classes * spatial) + (row % spatial);
                for (var c = 0; c < classes; c++)
                {
                    var y = ElementStorage.ToDouble(probabilities[first + (c * spatial)]);
                    classWeight += y * (options.ClassAlpha.IsEmpty ? scalarAlpha : options.ClassAlpha[c]);
                }
            }

            total += (options.Weights.IsEmpty ? 1 : ElementStorage.ToDouble(options.Weights[row])) * classWeight;
        }

        return total;
    }

    /// <summary>How many class-index targets are <paramref name="ignoreIndex"/> (a vectorized count).</summary>
    private static int IgnoredRows<TTarget>(ReadOnlySpan<TTarget> targets, long ignoreIndex)
        where TTarget : unmanaged
    {
        if (typeof(TTarget) == typeof(long))
            return MemoryMarshal.Cast<TTarget, long>(targets).Count(ignoreIndex);
        return ignoreIndex is >= int.MinValue and <= int.MaxValue ? MemoryMarshal.Cast<TTarget, int>(targets).Count((int)ignoreIndex) : 0;
    }

    private static long TargetAt<TTarget>(ReadOnlySpan<TTarget> targets, int row)
        where TTarget : unmanaged
        => typeof(TTarget) == typeof(int) ? Unsafe.BitCast<TTarget, int>(targets[row]) : Unsafe.BitCast<TTarget, long>(targets[row]);

    private static double Run<TMode, TRunner, TTarget>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<TStorage> options,
        in Outputs outputs)
        where TMode : struct, IKernelMode
        where TRunner : struct, ISoftmaxRunner<T>
        where TTarget : unmanaged
    {
        if (logits.IsEmpty)
            return 0;
        fixed (TStorage* x = logits, w = options.Weights)
        fixed (TTarget* y = targets)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            var alpha = options.ClassAlpha.IsEmpty && options.Alpha >= 0 ? options.Alpha : 1;
            var classAlphaBound = Algebra.ClassAlphaBound(options.ClassAlpha);
            var rows = logits.Length / shape.Classes;

            // Rows run as they are where the largest weight and upstream gradient do (the bounds grow with both).
            var largestUpstream = outputs.Upstream == null
                ? Math.Abs(outputs.UpstreamScale)
                : LargestMagnitude(new ReadOnlySpan<TStorage>(outputs.Upstream, rows));
            var (largestScale, largestPolyScale) = Algebra.Scales(
                options.Weights.IsEmpty ? 1 : LargestMagnitude(options.Weights), alpha, options.PolyEpsilon);
            var arguments = new SoftmaxArguments<TStorage>
            {
                Logits = x,
                Rows = rows,
                Classes = shape.Classes,
                Spatial = shape.Spatial,
                Indices32 = typeof(TTarget) == typeof(int) ? (int*)y : null,
                Indices64 = typeof(TTarget) == typeof(long) ? (long*)y : null,
                Probabilities = typeof(TTarget) == typeof(TStorage) ? (TStorage*)y : null,
                IgnoreIndex = options.IgnoreIndex,
                Weights = options.Weights.IsEmpty ? null : w,
                ClassAlpha = options.ClassAlpha.IsEmpty ? null : classAlpha,
                ClassAlphaBound = classAlphaBound,
                Alpha = alpha,
                LabelSmoothing = options.LabelSmoothing,
                PolyEpsilon = options.PolyEpsilon,
                Losses = outputs.Losses,
                Gradient = outputs.Gradient,
                Upstream = outputs.Upstream,
                UpstreamScale = outputs.UpstreamScale,
                Reduce = outputs.Reduce,
                RowsAsIs = Algebra.LeavesAsIs(largestScale, largestPolyScale, classAlphaBound, largestUpstream),
            };
            return runner.Run<TStorage, TMode>(arguments);
        }
    }

    private static void ValidateGradient<TTarget>(
        Span<TStorage> gradient, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, in FocalLossOptions<TStorage> options,
        ReadOnlySpan<TStorage> upstream = default)
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<TStorage>.RequireLength(gradient.Length, logits.Length, nameof(gradient), "one per logit, [N, C]");

        // In place over the logits is allowed: each row reads its logits before its last pass writes the gradient.
        if (gradient.Overlaps(logits, out var offset) && offset != 0)
            throw new ArgumentException("gradient must not partially overlap logits (in place is allowed).", nameof(gradient));
        RequireNoOverlap(gradient, default, targets, options, nameof(gradient));
        if (gradient.Overlaps(upstream))
            throw new ArgumentException("gradient must not overlap upstream.", nameof(gradient));
    }

    /// <summary>An output may not share memory with targets, weights or class α, which every row reads.</summary>
    private static void RequireNoOverlap<TTarget>(
        Span<TStorage> output, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, in FocalLossOptions<TStorage> options, string name)
        where TTarget : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(output);
        if (output.Overlaps(logits))
            throw new ArgumentException($"{name} must not overlap logits.", name);
        if (bytes.Overlaps(MemoryMarshal.AsBytes(targets)))
            throw new ArgumentException($"{name} must not overlap targets.", name);
        if (output.Overlaps(options.Weights))
            throw new ArgumentException($"{name} must not overlap weights.", name);
        if (bytes.Overlaps(MemoryMarshal.AsBytes(options.ClassAlpha)))
            throw new ArgumentException($"{name} must not overlap classAlpha.", name);
    }

    /// <summary>
    /// The largest |value|. A NaN may or may not count: weights are never NaN here, and a row with a NaN upstream gradient
    /// runs as it is either way.
    /// </summary>
    private static double LargestMagnitude(ReadOnlySpan<TStorage> values)
    {
        if (typeof(TStorage) == typeof(float))
            return LargestMagnitude(MemoryMarshal.Cast<TStorage, float>(values));
        if (typeof(TStorage) == typeof(double))
            return LargestMagnitude(MemoryMarshal.Cast<TStorage, double>(values));
        var largest = 0.0;
        foreach (var value in values)
            largest = Math.Max(largest, Math.Abs(ElementStorage.ToDouble(value)));
        return largest;
    }

    /// <summary>The largest |value| of float or double values, a register at a time.</summary>
    private static double LargestMagnitude<TValue>(ReadOnlySpan<TValue> values)
        where TValue : unmanaged, IFloatingPointIeee754<TValue>
    {
        var registers = Vector<TValue>.Zero;
        var i = 0;
        for (; i <= values.Length - Vector<TValue>.Count; i += Vector<TValue>.Count)
            registers = Vector.Max(registers, Vector.Abs(new Vector<TValue>(values[i..])));
        var largest = 0.0;
        for (var lane = 0; lane < Vector<TValue>.Count; lane++)
            largest = Math.Max(largest, double.CreateTruncating(registers[lane]));
        for (; i < values.Length; i++)
            largest = Math.Max(largest, Math.Abs(double.CreateTruncating(values[i])));
        return largest;
    }

    /// <summary>Where a call's results go.</summary>
    private readonly struct Outputs
    {
        public TStorage* Losses { get; init; }

        public TStorage* Gradient { get; init; }

        public TStorage* Upstream { get; init; }

        public double UpstreamScale { get; init; }

        public bool Reduce { get; init; }
    }

    /// <summary>The per-row arithmetic in double, on scalars.</summary>
    private abstract class Algebra : SoftmaxFocalRowAlgebra<double, ScalarOps<double>>;
}
