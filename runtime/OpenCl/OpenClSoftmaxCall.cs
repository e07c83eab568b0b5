using System.Numerics;
using FocalAot.Drivers;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.OpenCl;

/// <summary>
/// One softmax device call for storage <typeparamref name="TStorage"/> computed in <typeparamref name="T"/>: the CPU
/// path's rules (<see cref="SoftmaxFocalRules{TStorage}"/>), the program for the call's factor, the per-call values
/// exactly as the CPU driver converts them, the row kernel, and the reduced sum in the CPU's row chunks.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the caller's argument.")]
internal static class OpenClSoftmaxCall<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const int ChunkElements = SoftmaxDriver<T, T, T, ScalarOps<T>, PowerFactor<T>, ForwardMode>.ChunkElements;

    public static TStorage Run<TTarget>(OpenClContext context, in SoftmaxCall<TStorage, TTarget> call, in FocalLossOptions<TStorage> options,
        bool reduced)
        where TTarget : unmanaged
    {
        lock (context.Gate)
        {
            if (!context.UsesFp64)
            {
                throw new NotSupportedException(
                    $"The softmax focal loss on a device needs fp64 (its row sums and row constants are in double), {WithoutFp64(context)}.");
            }

            var rows = Validate(context, call, options, reduced);

            // An earlier call's invalid input is named from what it read, before this call writes over it.
            if (call.Losses is not null)
                context.PendingChecks.ResolveBeforeWriting(call.Losses);
            if (call.Gradient is not null)
                context.PendingChecks.ResolveBeforeWriting(call.Gradient);

            var denominator = Denominator(call, options, rows);
            if (rows == 0)
                return reduced ? Result(0, denominator) : default;

            var power = OpenClPowerChoice.For<TStorage, T>(options);
            var program = context.SoftmaxProgram(power, OpenClStorageCode.Of<TStorage>());
            using var classAlpha = options.ClassAlpha.IsEmpty ? null : context.Upload(options.ClassAlpha);
            using var classAlphaCompute = ClassAlphaInComputeType(context, options.ClassAlpha);
            using var rowLosses = call.SumsLosses ? context.Allocate<T>(rows) : null;
            var (uniform, targetShare) = SoftmaxFocalRowAlgebra<double, ScalarOps<double>>.Shares(options.LabelSmoothing, call.Shape.Classes);
            var upstreamScale = reduced ? call.ScalarUpstream / denominator : 1;
            var targets = call.Targets;
            var offsets = new RowOffsets
            {
                Logits = call.Logits.Offset,
                Targets = targets.Offset,
                Weights = call.Weights?.Offset ?? 0,
                Upstream = call.Upstream?.Offset ?? 0,
                Losses = call.Losses?.Offset ?? 0,
                Gradient = call.Gradient?.Offset ?? 0,
            };
            var launch = new KernelLaunch(program.Kernel("focal_softmax_rows"), "focal_softmax_rows")
                .Value((uint)rows)
                .Value((uint)call.Shape.Classes)
                .Value((uint)call.Shape.Spatial)
                .Value(offsets)
                .Buffer(call.Logits.Handle("logits"))
                .Buffer(typeof(TTarget) == typeof(int) ? targets.Handle("targets") : 0)
                .Buffer(typeof(TTarget) == typeof(long) ? targets.Handle("targets") : 0)
                .Buffer(typeof(TTarget) == typeof(TStorage) ? targets.Handle("targets") : 0)
                .Buffer(call.Weights?.Handle("weights") ?? 0)
                .Buffer(call.Upstream?.Handle("upstream") ?? 0)
                .Buffer(classAlpha?.Handle("classAlpha") ?? 0)
                .Buffer(classAlphaCompute?.Handle("classAlpha") ?? 0)
                .Value(SoftmaxFocalRowAlgebra<double, ScalarOps<double>>.ClassAlphaBound(options.ClassAlpha))
                .Value(options.IgnoreIndex)
                .Value(options.ClassAlpha.IsEmpty && options.Alpha >= 0 ? options.Alpha : 1)
                .Value(options.LabelSmoothing)
                .Value(options.PolyEpsilon)
                .Value(T.CreateTruncating(uniform))
                .Value(T.CreateTruncating(targetShare))
                .Value(upstreamScale);
            if (power.IsGeneric)
                launch = launch.Value(options.Gamma);
            launch.Buffer(call.Losses?.Handle("losses") ?? 0)
                .Buffer(rowLosses?.Handle("row losses") ?? 0)
                .Buffer(call.Gradient?.Handle("gradient") ?? 0)
                .Buffer(context.InvalidFlag)
                .Enqueue(context.QueueHandle, rows);

            var (shape, ignoreIndex, weights) = (call.Shape, options.IgnoreIndex, call.Weights);
            context.PendingChecks.Add(() => Rescan(targets, weights, shape, ignoreIndex), targets, weights);
            return rowLosses is null ? default : Result(Total(context, program, rowLosses, call.Shape.Classes), denominator);
        }
    }

    private static TStorage Result(double sum, double denominator)
        => ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(CanonicalSum.Canonicalize(sum) / denominator));

    /// <summary>The CPU's rules, then the device's: buffers of this context, lengths, and outputs apart from the inputs.</summary>
    private static int Validate<TTarget>(OpenClContext context, in SoftmaxCall<TStorage, TTarget> call, in FocalLossOptions<TStorage> options,
        bool reduced)
        where TTarget : unmanaged
    {
        var logits = Require(context, call.Logits, "logits");
        Require(context, call.Targets, "targets");
        if (!options.Weights.IsEmpty)
        {
            throw new ArgumentException(
                "options.Weights holds host memory; on device buffers pass the per-sample weights as the weights buffer argument.", "weights");
        }

        var rows = SoftmaxFocalRules<TStorage>.ValidateCall<TTarget>(logits.Length, call.Targets.Length, call.Shape, options, reduced);
        if (call.Weights is not null)
        {
            SoftmaxFocalRules<TStorage>.RequireLength(Require(context, call.Weights, "weights").Length, rows, "weights",
                call.Shape.Spatial == 1 ? "one weight per row" : "one weight per position, [N, S]");
        }

        if (call.Upstream is not null)
        {
            SoftmaxFocalRules<TStorage>.RequireLength(
                Require(context, call.Upstream, "upstream").Length, rows, "upstream", "one upstream gradient per row");
        }

        if (call.Losses is not null)
        {
            SoftmaxFocalRules<TStorage>.RequireLength(Require(context, call.Losses, "losses").Length, rows, "losses", "one loss per row");
            RequireApart(call.Losses, call, "losses", allowLogits: false);
        }

        if (call.Gradient is not null)
        {
            SoftmaxFocalRules<TStorage>.RequireLength(Require(context, call.Gradient, "gradient").Length, logits.Length, "gradient",
                "one per logit, [N, C]");
            RequireApart(call.Gradient, call, "gradient", allowLogits: true);
            if (ReferenceEquals(call.Gradient, call.Upstream))
                throw new ArgumentException("gradient must not overlap upstream.", "gradient");
            if (ReferenceEquals(call.Gradient, call.Losses))
                throw new ArgumentException("gradient must not overlap losses.", "gradient");
        }

        return rows;
    }

    /// <summary>An output may not be the targets or weights (every row reads them), nor the logits unless it is the gradient.</summary>
    private static void RequireApart<TTarget>(OpenClBuffer<TStorage> output, in SoftmaxCall<TStorage, TTarget> call, string name, bool allowLogits)
        where TTarget : unmanaged
    {
        if (!allowLogits && ReferenceEquals(output, call.Logits))
            throw new ArgumentException($"{name} must not overlap logits.", name);
        if (ReferenceEquals(output, call.Targets))
            throw new ArgumentException($"{name} must not overlap targets.", name);
        if (ReferenceEquals(output, call.Weights))
            throw new ArgumentException($"{name} must not overlap weights.", name);
    }

    private static OpenClBuffer<TElement> Require<TElement>(OpenClContext context, OpenClBuffer<TElement> buffer, string name)
        where TElement : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Context, context))
            throw new ArgumentException($"{name} belongs to another OpenClContext; a call's buffers must be in the context that runs it.", name);
        buffer.Handle(name);
        return buffer;
    }

    /// <summary>
    /// The CPU's denominator of the reduction. A mean or weighted mean reads the targets (and weights) back and checks
    /// them first, so an invalid one is reported before anything is written.
    /// </summary>
    private static double Denominator<TTarget>(in SoftmaxCall<TStorage, TTarget> call, in FocalLossOptions<TStorage> options, int rows)
        where TTarget : unmanaged
    {
        if (options.Reduction.Kind is not (FocalReductionKind.Mean or FocalReductionKind.WeightedMean) || rows == 0)
            return SoftmaxFocalCall<TStorage, T>.Denominator<TTarget>(default, call.Shape, options);

        var targets = call.Targets.ReadWithoutReport();
        var weights = call.Weights?.ReadWithoutReport() ?? [];
        if ((WeightRule.FirstBroken(weights)
            ?? SoftmaxFocalRules<TStorage>.InvalidTarget<TTarget>(targets, call.Shape, options.IgnoreIndex)) is { } error)
        {
            throw error;
        }

        return SoftmaxFocalCall<TStorage, T>.Denominator<TTarget>(targets, call.Shape, options with { Weights = weights });
    }

    /// <summary>The row losses added in the CPU's chunks of rows, then the chunk totals in order; waits and reports.</summary>
    private static double Total(OpenClContext context, OpenClProgram program, OpenClBuffer<T> rowLosses, int classes)
    {
        var rows = rowLosses.Length;
        var rowsPerChunk = Math.Max(1, ChunkElements / classes);
        var chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        using var chunkSums = context.Allocate<double>(chunks);
        using var total = context.Allocate<double>(1);
        new KernelLaunch(program.Kernel("focal_softmax_chunks"), "focal_softmax_chunks")
            .Value((uint)rows).Value((uint)rowsPerChunk).Value((uint)chunks).Buffer(rowLosses.Handle("row losses"))
            .Buffer(chunkSums.Handle("chunk sums"))
            .Enqueue(context.QueueHandle, chunks);
        new KernelLaunch(program.Kernel("focal_softmax_total"), "focal_softmax_total")
            .Value((uint)chunks).Buffer(chunkSums.Handle("chunk sums")).Buffer(total.Handle("total"))
            .Enqueue(context.QueueHandle, 1);
        Span<double> result = stackalloc double[1];
        total.Download(result);
        return result[0];
    }

    /// <summary>α per class in the compute type, as the CPU driver converts it (rounded once from double).</summary>
    private static OpenClBuffer<T>? ClassAlphaInComputeType(OpenClContext context, ReadOnlySpan<double> classAlpha)
    {
        if (classAlpha.IsEmpty)
            return null;
        var table = new T[classAlpha.Length];
        for (var c = 0; c < table.Length; c++)
            table[c] = T.CreateTruncating(classAlpha[c]);
        return context.Upload<T>(table);
    }

    /// <summary>The error naming the first invalid weight, else the first invalid target, read back from the device.</summary>
    private static ArgumentOutOfRangeException? Rescan<TTarget>(
        OpenClBuffer<TTarget> targets, OpenClBuffer<TStorage>? weights, SoftmaxShape shape, long ignoreIndex)
        where TTarget : unmanaged
        => (weights is null ? null : WeightRule.FirstBroken(weights.ReadWithoutReport()))
            ?? SoftmaxFocalRules<TStorage>.InvalidTarget<TTarget>(targets.ReadWithoutReport(), shape, ignoreIndex);

    private static string WithoutFp64(OpenClContext context) => context.Device.SupportsFp64
        ? "and this context was created with useFp64: false"
        : $"and device '{context.Device.Name}' does not report cl_khr_fp64";

    /// <summary>The row kernel's ulong8 of first elements (s0..s5; s6 and s7 unused).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RowOffsets
    {
        public long Logits;
        public long Targets;
        public long Weights;
        public long Upstream;
        public long Losses;
        public long Gradient;
        public long Unused6;
        public long Unused7;
    }
}
