using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// Runs the softmax row kernel over a whole call: rows in chunks of about <see cref="ChunkElements"/> logits (the unit
/// of work of a thread), each row's sums in the canonical order, the reduced sum as the row losses added in row order
/// within a chunk and the chunk totals in chunk order, so neither the width nor the thread count changes a bit. Rows
/// not stored in the compute type (16-bit storage) are widened into row buffers, and their results narrowed back.
/// </summary>
internal sealed unsafe class SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode> : IPartitionedWork
    where TVec : struct
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    /// <summary>About this many logits per chunk (at least one row).</summary>
    public const int ChunkElements = 16384;

    /// <summary>Row scratch (four buffers of C elements, seven when staged) up to this many elements lives on the stack.</summary>
    private const int MaxStackScratch = 8192;

    [ThreadStatic]
    private static SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>? cachedJob;

    private SoftmaxArguments<TStorage> arguments;
    private TFactor factor;
    private long chunkCount;
    private long rowsPerChunk;
    private int partCount;
    private double[]? chunkTotals;

    /// <summary>Runs every row and returns the sum of the row losses (0 when the losses are not reduced).</summary>
    public static double Run(in SoftmaxArguments<TStorage> arguments, in TFactor factor, int maxDegreeOfParallelism)
    {
        var rowsPerChunk = Math.Max(1, ChunkElements / arguments.Classes);
        var chunks = (arguments.Rows + rowsPerChunk - 1) / rowsPerChunk;
        var threads = Math.Min(maxDegreeOfParallelism, WorkerPool.MaxThreads);
        var parts = arguments.Rows * arguments.Classes < KernelDriver<TVec, T, T, TOps, TFactor, TMode>.ParallelThreshold
            ? 1 : (int)Math.Min(threads, chunks);
        if (parts <= 1)
            return CanonicalSum.Canonicalize(RunChunks(arguments, factor, rowsPerChunk, 0, chunks, null));

        var job = cachedJob ??= new SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>();
        var totals = arguments.Reduce ? ArrayPool<double>.Shared.Rent((int)chunks) : null;
        try
        {
            job.arguments = arguments;
            job.factor = factor;
            job.chunkCount = chunks;
            job.rowsPerChunk = rowsPerChunk;
            job.partCount = parts;
            job.chunkTotals = totals;
            WorkerPool.Current.Run(job, parts);

            var sum = 0.0;
            for (var chunk = 0; totals is not null && chunk < chunks; chunk++)
                sum += totals[chunk];
            return CanonicalSum.Canonicalize(sum);
        }
        finally
        {
            job.chunkTotals = null;
            if (totals is not null)
                ArrayPool<double>.Shared.Return(totals);
        }
    }

    public void Execute(int part)
        => RunChunks(arguments, factor, rowsPerChunk, chunkCount * part / partCount, chunkCount * (part + 1) / partCount, chunkTotals);

    /// <summary>Runs chunks [first, end); chunk totals go to <paramref name="totals"/> when given, else are summed in order.</summary>
    private static double RunChunks(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long rowsPerChunk, long first, long end, double[]? totals)
    {
        var classes = arguments.Classes;
        var staged = Staged || arguments.Spatial > 1;
        var scratchLength = (staged ? 7 : 4) * classes;
        T[]? rented = scratchLength > MaxStackScratch ? ArrayPool<T>.Shared.Rent(scratchLength) : null;
        Span<T> scratch = rented is null ? stackalloc T[scratchLength] : rented.AsSpan(0, scratchLength);
        try
        {
            var classAlpha = scratch.Slice(3 * classes, classes);
            for (var c = 0; arguments.ClassAlpha != null && c < classes; c++)
                classAlpha[c] = T.CreateTruncating(arguments.ClassAlpha[c]);
            var rows = new RowScratch(scratch[..classes], scratch.Slice(classes, classes), scratch.Slice(2 * classes, classes),
                arguments.ClassAlpha == null ? default : classAlpha, staged ? scratch.Slice(4 * classes, 3 * classes) : default);

            var runningSum = 0.0;
            for (var chunk = first; chunk < end; chunk++)
            {
                var chunkSum = 0.0;
                var lastRow = Math.Min((chunk + 1) * rowsPerChunk, arguments.Rows);
                for (var row = chunk * rowsPerChunk; row < lastRow; row++)
                {
                    var loss = Row(arguments, factor, row, rows);
                    if (TMode.ComputesLoss && arguments.Losses != null)
                        arguments.Losses[row] = ElementStorage.FromDouble<TStorage>(double.CreateTruncating(loss));
                    chunkSum += double.CreateTruncating(loss);
                }

                if (totals is null)
                    runningSum += chunkSum;
                else
                    totals[chunk] = chunkSum;
            }

            return runningSum;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>One row: its loss (rounded once to <typeparamref name="T"/>), and its gradient when the mode computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Row(in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, in RowScratch scratch)
    {
        var classes = arguments.Classes;
        var layout = new RowLayout(row, classes, arguments.Spatial);
        var target = arguments.HasIndexTargets ? arguments.TargetOf(row) : -1;
        var weight = arguments.Weights == null ? 1.0 : ElementStorage.ToDouble(arguments.Weights[row]);
        if ((arguments.HasIndexTargets && target == arguments.IgnoreIndex) || weight == 0)
        {
            if (TMode.ComputesGradient)
                layout.Fill(arguments.Gradient, default);
            return T.Zero;
        }

        var x = Load(arguments.Logits, layout, scratch.StagedLogits);
        var max = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Maximum(x);
        if (!T.IsFinite(max))
        {
            // A NaN or +∞ logit, or every logit -∞: the softmax is undefined.
            if (TMode.ComputesGradient)
                layout.Fill(arguments.Gradient, ElementStorage.FromDouble<TStorage>(double.NaN));
            return T.NaN;
        }

        var gradient = !TMode.ComputesGradient ? default
            : scratch.StagedGradient.IsEmpty ? new Span<T>((T*)arguments.Gradient + layout.Offset, classes) : scratch.StagedGradient;

        var e = scratch.Exponentials;
        var classesAtMax = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Exponentials(x, max, e);
        var constants = new SoftmaxRowConstants<T>(max, classesAtMax, CanonicalRowSum(e));
        var (scale, polyScale) = Algebra.Scales(weight, arguments.Alpha, arguments.PolyEpsilon);
        var smoothing = arguments.LabelSmoothing;
        var dense = smoothing != 0 || !arguments.HasIndexTargets;

        // With a dense part, the one class at the maximum gets its gradient apart; found before an in-place gradient
        // overwrites the logits.
        var top = TMode.ComputesGradient && dense && classesAtMax == 1 ? SoftmaxFocalRow<TVec, T, TOps, TFactor>.IndexOfMaximum(x, max) : -1;

        var lossSum = 0.0;
        var slopeSum = 0.0;
        if (dense)
        {
            var (uniform, targetShare) = Algebra.Shares(smoothing, classes);
            var coefficients = new DenseCoefficients<T>
            {
                Scale = T.CreateTruncating(scale),
                PolyScale = T.CreateTruncating(polyScale),
                Uniform = T.CreateTruncating(uniform),
                TargetShare = T.CreateTruncating(targetShare),
                Targets = arguments.HasIndexTargets ? default : Load(arguments.Probabilities, layout, scratch.StagedTargets),
                ClassAlpha = scratch.ClassAlpha,
            };
            SoftmaxFocalRow<TVec, T, TOps, TFactor>.DenseTerms(x, e, constants, factor, coefficients,
                TMode.ComputesLoss ? scratch.Losses : default, TMode.ComputesGradient ? scratch.Slopes : default);
            if (TMode.ComputesLoss)
                lossSum = CanonicalRowSum(scratch.Losses);
            if (TMode.ComputesGradient)
                slopeSum = CanonicalRowSum(scratch.Slopes);
        }

        T sparseSlope = T.Zero, targetP = T.Zero, targetQ = T.Zero;
        if (arguments.HasIndexTargets)
        {
            var t = (int)target;
            var classAlpha = arguments.ClassAlpha == null ? 1 : arguments.ClassAlpha[t];
            var (coefficient, polyCoefficient) = Algebra.SparseCoefficients(scale, classAlpha, polyScale, smoothing);
            (var sparseLoss, sparseSlope, targetP, targetQ) = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Terms(x[t], e[t],
                T.CreateTruncating(coefficient), T.CreateTruncating(polyCoefficient), constants, factor, TMode.ComputesGradient);
            lossSum += double.CreateTruncating(sparseLoss);
        }

        if (TMode.ComputesGradient)
        {
            var upstream = arguments.Upstream == null ? arguments.UpstreamScale : ElementStorage.ToDouble(arguments.Upstream[row]);
            var sparse = double.CreateTruncating(sparseSlope);
            var denseSlope = dense ? double.CreateTruncating(scratch.Slopes[arguments.HasIndexTargets ? (int)target : 0]) : 0;
            SoftmaxFocalRow<TVec, T, TOps, TFactor>.Gradient(x, e, max, constants.InverseZ,
                T.CreateTruncating(Algebra.WithAll(upstream, slopeSum, sparse)), dense ? T.CreateTruncating(upstream) : T.Zero, scratch.Slopes,
                gradient);
            if (arguments.HasIndexTargets)
            {
                // The target's own term: p_t Σ_{j≠t} g_j - q_t g_t, so p_t → 1 does not cancel.
                var p = double.CreateTruncating(targetP);
                var q = double.CreateTruncating(targetQ);
                gradient[(int)target] = T.CreateTruncating(Algebra.TargetGradient(upstream, p, q, slopeSum, denseSlope, sparse));
            }

            if (top >= 0)
                CorrectTopClass(top, constants, scratch.Slopes, arguments.HasIndexTargets ? (int)target : -1, sparse, upstream, gradient);

            if (!scratch.StagedGradient.IsEmpty)
                Store(gradient, arguments.Gradient, layout);
        }

        return T.CreateTruncating(lossSum);
    }

    /// <summary>
    /// The gradient of the one class at the maximum with a dense part: p Σ_{j≠top} g_j - q g_top, with the others' sum
    /// formed without the top class's term, so a confident row (p → 1, where p Σ g - g_top cancels) keeps its digits.
    /// </summary>
    private static void CorrectTopClass(
        int top, in SoftmaxRowConstants<T> constants, Span<T> slopes, int target, double sparse, double upstream, Span<T> gradient)
    {
        var ownSlope = slopes[top];
        slopes[top] = T.Zero;
        var others = CanonicalRowSum(slopes);
        slopes[top] = ownSlope;
        var p = double.CreateTruncating(constants.InverseZ);
        var q = double.CreateTruncating(constants.MaxComplement);
        gradient[top] = T.CreateTruncating(Algebra.TopGradient(upstream, p, q,
            others, target >= 0 && target != top ? sparse : 0, double.CreateTruncating(ownSlope), target == top ? sparse : 0));
    }

    private static bool Staged => typeof(TStorage) != typeof(T);

    /// <summary>The per-row arithmetic in double, on scalars.</summary>
    private abstract class Algebra : SoftmaxFocalRowAlgebra<double, ScalarOps<double>>;

    /// <summary>
    /// A row of stored values in the compute type: the caller's memory, or gathered (a strided row) and widened (16-bit
    /// storage) into <paramref name="stage"/>.
    /// </summary>
    private static ReadOnlySpan<T> Load(TStorage* source, in RowLayout layout, Span<T> stage)
    {
        if (stage.IsEmpty)
            return new ReadOnlySpan<T>((T*)source + layout.Offset, layout.Classes);
        if (layout.Stride == 1)
        {
            ElementStorage.ToCompute<TStorage, T, TVec, TOps>(source + layout.Offset, layout.Classes, stage);
            return stage;
        }

        // Widening is exact, so a value through double is the value the contiguous conversion gives.
        for (var c = 0; c < stage.Length; c++)
            stage[c] = T.CreateTruncating(ElementStorage.ToDouble(source[layout.Offset + ((long)c * layout.Stride)]));
        return stage;
    }

    /// <summary>A row computed in a stage, narrowed and scattered back to storage.</summary>
    private static void Store(ReadOnlySpan<T> values, TStorage* destination, in RowLayout layout)
    {
        if (layout.Stride == 1)
        {
            ElementStorage.ToStorage<TStorage, T, TVec, TOps>(values, layout.Classes, destination + layout.Offset);
            return;
        }

        // A float or double value through double rounds once to the storage type, as the contiguous conversion does.
        for (var c = 0; c < values.Length; c++)
            destination[layout.Offset + ((long)c * layout.Stride)] = ElementStorage.FromDouble<TStorage>(double.CreateTruncating(values[c]));
    }

    /// <summary>Where a row's C values are: [N, C] rows are contiguous; sample n·S + s of [N, C, S] has its classes S apart.</summary>
    private readonly struct RowLayout(long row, int classes, int spatial)
    {
        public long Offset { get; } = spatial == 1 ? row * classes : ((row / spatial) * classes * spatial) + (row % spatial);

        public int Stride { get; } = spatial;

        public int Classes { get; } = classes;

        /// <summary>Sets the row's values in <paramref name="destination"/> to <paramref name="value"/>.</summary>
        public void Fill(TStorage* destination, TStorage value)
        {
            for (var c = 0; c < Classes; c++)
                destination[Offset + ((long)c * Stride)] = value;
        }
    }

    /// <summary>The canonical (width-independent) double sum of one row's values.</summary>
    private static double CanonicalRowSum(ReadOnlySpan<T> values)
    {
        Span<double> lanes = stackalloc double[BlockGeometry.CanonicalLanes];
        lanes.Clear();
        CanonicalSum.Accumulate<T, TOps>(values, lanes);
        return CanonicalSum.Combine(lanes);
    }

    /// <summary>
    /// A thread's row buffers: exponentials, dense loss terms, dense gradient terms, α per class (or empty), and for
    /// 16-bit storage the widened logits and targets and the gradient before narrowing.
    /// </summary>
    private readonly ref struct RowScratch(Span<T> exponentials, Span<T> losses, Span<T> slopes, ReadOnlySpan<T> classAlpha, Span<T> staging)
    {
        public Span<T> StagedLogits { get; } = staging.IsEmpty ? default : staging[..losses.Length];

        public Span<T> StagedTargets { get; } = staging.IsEmpty ? default : staging.Slice(losses.Length, losses.Length);

        public Span<T> StagedGradient { get; } = staging.IsEmpty ? default : staging.Slice(2 * losses.Length, losses.Length);

        public Span<T> Exponentials { get; } = exponentials;

        public Span<T> Losses { get; } = losses;

        public Span<T> Slopes { get; } = slopes;

        public ReadOnlySpan<T> ClassAlpha { get; } = classAlpha;
    }
}
