using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// Runs the softmax row kernel over a whole call: rows in chunks of about <see cref="ChunkElements"/> logits (the unit
/// of work of a thread), each row's sums in the canonical order, the reduced sum as the row losses added in row order
/// within a chunk and the chunk totals in chunk order, so neither the width nor the thread count changes a bit. Rows
/// not stored in the compute type (16-bit storage) are widened into row buffers, and their results narrowed back.
/// Positions of [N, C, S] values, and rows of few classes, run a register of positions (or rows) at a time where they
/// can (SoftmaxDriver.Columns.cs); other positions are transposed to rows a tile at a time (<see cref="SpatialTile"/>).
/// </summary>
internal sealed unsafe partial class SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode> : ChunkedJob
    where TVec : struct
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    /// <summary>About this many logits per chunk (at least one row).</summary>
    public const int ChunkElements = 16384;

    /// <summary>Row scratch (four buffers of C elements or more, seven when staged) up to this many elements lives on the stack.</summary>
    private const int MaxStackScratch = 8192;

    [ThreadStatic]
    private static SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>? cachedJob;

    private SoftmaxArguments<TStorage> arguments;
    private TFactor factor;
    private long rowsPerChunk;

    /// <summary>Runs every row and returns the sum of the row losses (0 when the losses are not reduced).</summary>
    public static double Run(in SoftmaxArguments<TStorage> arguments, in TFactor factor, int maxDegreeOfParallelism)
    {
        var rowsPerChunk = Math.Max(1, ChunkElements / arguments.Classes);
        var chunks = (arguments.Rows + rowsPerChunk - 1) / rowsPerChunk;
        var parts = PartsFor(arguments.Rows * arguments.Classes, chunks, maxDegreeOfParallelism);
        if (parts <= 1)
            return CanonicalSum.Canonicalize(RunChunks(arguments, factor, rowsPerChunk, 0, chunks, null));

        var job = cachedJob ??= new SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>();
        job.arguments = arguments;
        job.factor = factor;
        job.rowsPerChunk = rowsPerChunk;
        return CanonicalSum.Canonicalize(job.RunInParts(chunks, parts, arguments.Reduce));
    }

    protected override void RunPart(long first, long end, double[]? totals)
        => RunChunks(arguments, factor, rowsPerChunk, first, end, totals);

    /// <summary>Runs chunks [first, end); chunk totals go to <paramref name="totals"/> when given, else are summed in order.</summary>
    private static double RunChunks(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long rowsPerChunk, long first, long end, double[]? totals)
    {
        var classes = arguments.Classes;
        var scratchLength = RowScratch.Length(classes);
        T[]? rented = scratchLength > MaxStackScratch ? ArrayPool<T>.Shared.Rent(scratchLength) : null;
        Span<T> scratch = rented is null ? stackalloc T[scratchLength] : rented.AsSpan(0, scratchLength);

        // [N, C, S] positions go a register of positions at a time where the columns apply, the rest through tiles of
        // rows: logits, target probabilities and gradient.
        var positions = arguments.Spatial > 1 ? SpatialTile.PositionsFor(classes, arguments.Spatial) : 1;
        var tiles = arguments.Spatial > 1 ? ArrayPool<TStorage>.Shared.Rent(3 * positions * classes) : null;
        var columns = ColumnsApply(arguments) ? ArrayPool<T>.Shared.Rent(ColumnScratchLength(classes) + TOps.Count) : null;
        try
        {
            var rows = new RowScratch(scratch, arguments);

            fixed (TStorage* tile = tiles)
            {
                var tileRows = tile == null ? default : RowPlace.Tile(arguments, tile, positions);
                var runningSum = 0.0;
                for (var chunk = first; chunk < end; chunk++)
                {
                    var firstRow = chunk * rowsPerChunk;
                    var lastRow = Math.Min((chunk + 1) * rowsPerChunk, arguments.Rows);
                    var chunkSum = tile == null
                        ? RowsSum(arguments, factor, firstRow, lastRow, rows, columns)
                        : PositionsSum(arguments, factor, firstRow, lastRow, rows, tileRows, positions, columns);
                    if (totals is null)
                        runningSum += chunkSum;
                    else
                        totals[chunk] = chunkSum;
                }

                return runningSum;
            }
        }
        finally
        {
            if (rented is not null)
                ArrayPool<T>.Shared.Return(rented);
            if (tiles is not null)
                ArrayPool<TStorage>.Shared.Return(tiles);
            if (columns is not null)
                ArrayPool<T>.Shared.Return(columns);
        }
    }

    /// <summary>
    /// Rows [first, end) of [N, C] values: their losses stored (when kept) and summed in row order; registers of rows as
    /// lanes where the columns apply (<paramref name="columns"/> not null).
    /// </summary>
    private static double RowsSum(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long first, long end, in RowScratch rows, T[]? columns)
    {
        var sum = 0.0;
        var row = first;
        for (; columns is not null && end - row >= TOps.Count; row += TOps.Count)
        {
            if (!LanesRunAsIs(arguments, row))
            {
                for (var i = 0; i < TOps.Count; i++)
                    AddLoss(arguments, row + i, Row(arguments, factor, row + i, rows, RowPlace.Of(arguments, row + i)), ref sum);
                continue;
            }

            var losses = columns.AsSpan(0, TOps.Count);
            RowsAsLanes(arguments, factor, row, columns.AsSpan(TOps.Count, ColumnScratchLength(arguments.Classes)), losses);
            for (var i = 0; i < losses.Length; i++)
                AddLoss(arguments, row + i, losses[i], ref sum);
        }

        for (; row < end; row++)
            AddLoss(arguments, row, Row(arguments, factor, row, rows, RowPlace.Of(arguments, row)), ref sum);
        return sum;
    }

    /// <summary>
    /// Positions [first, end) of [N, C, S] values, in order: registers of a sample's positions where the columns apply
    /// (<paramref name="columns"/> not null), the rest through tiles of rows.
    /// </summary>
    private static double PositionsSum(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long first, long end, in RowScratch rows, in RowPlace tileRows,
        int positions, T[]? columns)
    {
        var classes = arguments.Classes;
        var spatial = arguments.Spatial;
        var sum = 0.0;
        for (var row = first; row < end;)
        {
            if (columns is not null && Math.Min(end - row, spatial - (row % spatial)) >= TOps.Count && LanesRunAsIs(arguments, row))
            {
                var losses = columns.AsSpan(0, TOps.Count);
                var start = SpatialTile.Start(row, classes, spatial);
                var gradient = arguments.Gradient == null ? null : (T*)arguments.Gradient + start;
                var scratch = columns.AsSpan(TOps.Count, ColumnScratchLength(classes));
                Columns(arguments, factor, row, (T*)arguments.Logits + start, gradient, (nuint)spatial, scratch, losses);
                foreach (var loss in losses)
                    AddLoss(arguments, row++, loss, ref sum);
                continue;
            }

            var count = SpatialTile.Length(row, end, positions, spatial);
            SpatialTile.Gather(arguments.Logits, row, count, classes, spatial, tileRows.Logits);
            if (tileRows.Probabilities != null)
                SpatialTile.Gather(arguments.Probabilities, row, count, classes, spatial, tileRows.Probabilities);
            for (var p = 0; p < count; p++)
                AddLoss(arguments, row + p, Row(arguments, factor, row + p, rows, tileRows.Advanced((long)p * classes)), ref sum);
            if (tileRows.Gradient != null)
                SpatialTile.Scatter(tileRows.Gradient, row, count, classes, spatial, arguments.Gradient);
            row += count;
        }

        return sum;
    }

    /// <summary>Keeps row <paramref name="row"/>'s loss (when the call keeps them) and adds it to <paramref name="sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddLoss(in SoftmaxArguments<TStorage> arguments, long row, T loss, ref double sum)
    {
        if (TMode.ComputesLoss && arguments.Losses != null)
            arguments.Losses[row] = ElementStorage.FromDouble<TStorage>(double.CreateTruncating(loss));
        sum += double.CreateTruncating(loss);
    }

    /// <summary>One row: its loss (rounded once to <typeparamref name="T"/>), and its gradient when the mode computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Row(in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, in RowScratch scratch, in RowPlace place)
    {
        var classes = arguments.Classes;
        var target = arguments.HasIndexTargets ? arguments.TargetOf(row) : -1;
        var weight = arguments.Weights == null ? 1.0 : ElementStorage.ToDouble(arguments.Weights[row]);
        if ((arguments.HasIndexTargets && target == arguments.IgnoreIndex) || weight == 0)
        {
            if (TMode.ComputesGradient)
                place.FillGradient(classes, default);
            return T.Zero;
        }

        var x = Load(place.Logits, classes, scratch.StagedLogits);
        var max = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Maximum(x);
        if (!T.IsFinite(max))
        {
            // A NaN or +∞ logit, or every logit -∞: the softmax is undefined.
            if (TMode.ComputesGradient)
                place.FillGradient(classes, ElementStorage.FromDouble<TStorage>(double.NaN));
            return T.NaN;
        }

        var gradient = !TMode.ComputesGradient ? default
            : scratch.StagedGradient.IsEmpty ? new Span<T>((T*)place.Gradient, classes) : scratch.StagedGradient;

        var e = scratch.Exponentials;
        var classesAtMax = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Exponentials(x, max, e);
        var constants = new SoftmaxRowConstants<T>(max, classesAtMax, scratch.SumOf(e));
        var (scale, polyScale) = Algebra.Scales(weight, arguments.Alpha, arguments.PolyEpsilon);
        var upstream = TMode.ComputesGradient ? UpstreamOf(arguments, row) : 1;
        double lossPower = 1, upstreamPower = 1;
        if (!RunsAsIs(arguments, scale, polyScale, upstream))
            (scale, polyScale, upstream, lossPower, upstreamPower) = Scaled(arguments, scale, polyScale, upstream);
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
                Targets = arguments.HasIndexTargets ? default : Load(place.Probabilities, classes, scratch.StagedTargets),
                ClassAlpha = scratch.ClassAlpha,
            };
            SoftmaxFocalRow<TVec, T, TOps, TFactor>.DenseTerms(x, e, constants, factor, coefficients,
                TMode.ComputesLoss ? scratch.Losses : default, TMode.ComputesGradient ? scratch.Slopes : default);
            if (TMode.ComputesLoss)
                lossSum = scratch.SumOf(scratch.Losses);
            if (TMode.ComputesGradient)
                slopeSum = scratch.SumOf(scratch.Slopes);
        }

        T sparseSlope = T.Zero, targetP = T.Zero, targetQ = T.Zero;
        if (arguments.HasIndexTargets)
        {
            var t = (int)target;
            var (coefficient, polyCoefficient) = TargetCoefficients(arguments, t, scale, polyScale);
            (var sparseLoss, sparseSlope, targetP, targetQ) = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Terms(
                x[t], e[t], coefficient, polyCoefficient, constants, factor, TMode.ComputesGradient);
            lossSum += double.CreateTruncating(sparseLoss);
        }

        if (TMode.ComputesGradient)
        {
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
                CorrectTopClass(top, constants, scratch, arguments.HasIndexTargets ? (int)target : -1, sparse, upstream, gradient);
            if (lossPower != 1 || upstreamPower != 1)
                Restore(gradient, lossPower, upstreamPower);

            if (!scratch.StagedGradient.IsEmpty)
                ElementStorage.ToStorage<TStorage, T, TVec, TOps>(gradient, classes, place.Gradient);
        }

        return T.CreateTruncating(Algebra.Restored(lossSum, lossPower, 1));
    }

    /// <summary>
    /// Whether rows [row, row + W) (W = the width's lanes) all run as they are, as lanes do: a register of rows or positions
    /// with one beyond range runs as rows instead.
    /// </summary>
    private static bool LanesRunAsIs(in SoftmaxArguments<TStorage> arguments, long row)
    {
        if (arguments.RowsAsIs)
            return true;
        for (var i = row; i < row + TOps.Count; i++)
        {
            var weight = arguments.Weights == null ? 1.0 : ElementStorage.ToDouble(arguments.Weights[i]);
            var (scale, polyScale) = Algebra.Scales(weight, arguments.Alpha, arguments.PolyEpsilon);
            if (!RunsAsIs(arguments, scale, polyScale, TMode.ComputesGradient ? UpstreamOf(arguments, i) : 1))
                return false;
        }

        return true;
    }

    /// <summary>
    /// Whether a row of these scales and upstream gradient runs as it is: the powers of
    /// <see cref="SoftmaxFocalRowAlgebra{TVec, TOps}.InRange"/> are 1 for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RunsAsIs(in SoftmaxArguments<TStorage> arguments, double scale, double polyScale, double upstream)
        => arguments.RowsAsIs || Algebra.LeavesAsIs(scale, polyScale, arguments.ClassAlphaBound, upstream);

    /// <summary>
    /// The rare row beyond range: its scales and upstream brought into it, and the powers that restore its results
    /// (<see cref="SoftmaxFocalRowAlgebra{TVec, TOps}.InRange"/>); apart, so that its divisions stay out of the rows' loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double Scale, double PolyScale, double Upstream, double LossPower, double UpstreamPower) Scaled(
        in SoftmaxArguments<TStorage> arguments, double scale, double polyScale, double upstream)
        => Algebra.InRange(scale, polyScale, arguments.ClassAlphaBound, upstream);

    /// <summary>A row's gradient, run <see cref="Scaled"/>, at its own scale: the same rounding for every class of every path.</summary>
    private static void Restore(Span<T> gradient, double lossPower, double upstreamPower)
    {
        foreach (ref var g in gradient)
            g = T.CreateTruncating(Algebra.Restored(double.CreateTruncating(g), lossPower, upstreamPower));
    }

    /// <summary>A class-index target's coefficients: scale·α_t·(1 - ε) and polyScale·(1 - ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Coefficient, T PolyCoefficient) TargetCoefficients(
        in SoftmaxArguments<TStorage> arguments, int target, double scale, double polyScale)
    {
        var classAlpha = arguments.ClassAlpha == null ? 1 : arguments.ClassAlpha[target];
        var (coefficient, polyCoefficient) = Algebra.SparseCoefficients(scale, classAlpha, polyScale, arguments.LabelSmoothing);
        return (T.CreateTruncating(coefficient), T.CreateTruncating(polyCoefficient));
    }

    /// <summary>Row <paramref name="row"/>'s upstream gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double UpstreamOf(in SoftmaxArguments<TStorage> arguments, long row)
        => arguments.Upstream == null ? arguments.UpstreamScale : ElementStorage.ToDouble(arguments.Upstream[row]);

    /// <summary>
    /// The gradient of the one class at the maximum with a dense part: p Σ_{j≠top} g_j - q g_top, with the others' sum
    /// formed without the top class's term, so a confident row (p → 1, where p Σ g - g_top cancels) keeps its digits.
    /// </summary>
    private static void CorrectTopClass(
        int top, in SoftmaxRowConstants<T> constants, in RowScratch scratch, int target, double sparse, double upstream, Span<T> gradient)
    {
        var slopes = scratch.Slopes;
        var ownSlope = slopes[top];
        slopes[top] = T.Zero;
        var others = scratch.SumOf(slopes);
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
    /// A row of stored values in the compute type: the stored row itself, or widened (16-bit storage) into
    /// <paramref name="stage"/>.
    /// </summary>
    private static ReadOnlySpan<T> Load(TStorage* source, int classes, Span<T> stage)
    {
        if (stage.IsEmpty)
            return new ReadOnlySpan<T>(source, classes);
        ElementStorage.ToCompute<TStorage, T, TVec, TOps>(source, classes, stage);
        return stage;
    }

    /// <summary>
    /// Where a row's C values are, each contiguous: the caller's memory for [N, C] rows, or a row of a
    /// <see cref="SpatialTile"/> for a position of [N, C, S] values. Probabilities and gradient are null where the call
    /// has none.
    /// </summary>
    private readonly struct RowPlace(TStorage* logits, TStorage* probabilities, TStorage* gradient)
    {
        public TStorage* Logits { get; } = logits;

        public TStorage* Probabilities { get; } = probabilities;

        public TStorage* Gradient { get; } = gradient;

        /// <summary>Row <paramref name="row"/> of [N, C] values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RowPlace Of(in SoftmaxArguments<TStorage> arguments, long row)
            => new RowPlace(arguments.Logits, arguments.Probabilities, arguments.Gradient).Advanced(row * arguments.Classes);

        /// <summary>The first row of a tile of <paramref name="positions"/> rows in <paramref name="tile"/> (three tiles long).</summary>
        public static RowPlace Tile(in SoftmaxArguments<TStorage> arguments, TStorage* tile, int positions)
        {
            var length = (long)positions * arguments.Classes;
            return new RowPlace(
                tile, arguments.Probabilities == null ? null : tile + length, arguments.Gradient == null ? null : tile + (2 * length));
        }

        /// <summary>This place <paramref name="values"/> further on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public RowPlace Advanced(long values)
            => new(Logits + values, Probabilities == null ? null : Probabilities + values, Gradient == null ? null : Gradient + values);

        /// <summary>Sets the row's gradient to <paramref name="value"/>.</summary>
        public void FillGradient(int classes, TStorage value) => new Span<TStorage>(Gradient, classes).Fill(value);
    }

    /// <summary>
    /// A thread's row buffers, carved from one scratch span: exponentials, dense loss terms and dense gradient terms, each
    /// followed by zeros to a whole canonical group so that their sums read whole registers; α per class (or empty); and
    /// for 16-bit storage the widened logits and targets and the gradient before narrowing.
    /// </summary>
    private readonly ref struct RowScratch
    {
        private readonly int classes;

        /// <summary>Carves the buffers out of <paramref name="scratch"/> (<see cref="Length"/> elements) and fills α per class.</summary>
        public RowScratch(Span<T> scratch, in SoftmaxArguments<TStorage> arguments)
        {
            classes = arguments.Classes;
            var groups = GroupLength(classes);
            scratch[..(3 * groups)].Clear();
            Exponentials = scratch[..classes];
            Losses = scratch.Slice(groups, classes);
            Slopes = scratch.Slice(2 * groups, classes);
            if (arguments.ClassAlpha != null)
            {
                var classAlpha = scratch.Slice(3 * groups, classes);
                for (var c = 0; c < classes; c++)
                    classAlpha[c] = T.CreateTruncating(arguments.ClassAlpha[c]);
                ClassAlpha = classAlpha;
            }

            if (Staged)
            {
                StagedLogits = scratch.Slice(4 * groups, classes);
                StagedTargets = scratch.Slice(5 * groups, classes);
                StagedGradient = scratch.Slice(6 * groups, classes);
            }
        }

        public Span<T> StagedLogits { get; }

        public Span<T> StagedTargets { get; }

        public Span<T> StagedGradient { get; }

        public Span<T> Exponentials { get; }

        public Span<T> Losses { get; }

        public Span<T> Slopes { get; }

        public ReadOnlySpan<T> ClassAlpha { get; }

        /// <summary>The scratch elements rows of <paramref name="classes"/> values need.</summary>
        public static int Length(int classes) => (Staged ? 7 : 4) * GroupLength(classes);

        /// <summary>
        /// The canonical (width-independent) double sum of <see cref="Exponentials"/>, <see cref="Losses"/> or
        /// <see cref="Slopes"/>, read with the zeros that follow it.
        /// </summary>
        public double SumOf(Span<T> buffer)
            => CanonicalSum.OfGroups<T, TOps>(MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetReference(buffer), GroupLength(classes)));

        /// <summary><paramref name="classes"/> rounded up to whole canonical groups.</summary>
        private static int GroupLength(int classes)
            => (classes + BlockGeometry.CanonicalLanes - 1) / BlockGeometry.CanonicalLanes * BlockGeometry.CanonicalLanes;
    }
}
