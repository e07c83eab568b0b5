using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// [N, C, S] positions a register at a time, one position per lane: a class's logits of consecutive positions are
/// contiguous, so the maximum, the exponentials and the gradient run as whole registers, with no row to gather and no
/// sum across lanes; each row's own scalars (its canonical sum, constants and target term) follow, for all lanes at
/// once where the operations allow. A lane computes what <see cref="Row"/> computes for its position, with the same
/// operations, so a position keeps the bits of its row; a register with a row beyond range (see <see cref="Scaled"/>)
/// runs as rows. Rows of [N, C] values with few classes run the same way, a register of rows transposed into the
/// scratch: there a row's scalar work outweighs its few registers of classes, and lanes share it. For class-index
/// targets without label smoothing, stored in the compute type.
/// </summary>
internal sealed unsafe partial class SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>
{
    /// <summary>Per-lane values after the exponentials: maximum, classes at it, 1/Z, the p factor, the target's gradient.</summary>
    private const int LaneValues = 5;

    /// <summary>What a lane's position computes.</summary>
    private enum LaneKind : byte
    {
        /// <summary>Its loss and gradient.</summary>
        Computed,

        /// <summary>Nothing: its target is ignored or its weight 0 (loss and gradient 0).</summary>
        Ignored,

        /// <summary>NaN: a logit is NaN or +∞, so its softmax is undefined.</summary>
        Undefined,
    }

    /// <summary>
    /// Whether <see cref="Columns"/> runs the call's whole registers of positions, or of rows: rows of fewer classes than
    /// two registers hold.
    /// </summary>
    private static bool ColumnsApply(in SoftmaxArguments<TStorage> arguments)
        => arguments.HasIndexTargets && arguments.LabelSmoothing == 0 && !Staged
            && (arguments.Spatial > 1 ? arguments.Spatial >= TOps.Count : arguments.Classes < 2 * TOps.Count);

    /// <summary>The scratch <see cref="Columns"/> needs: every class's logits and exponentials, and the per-lane values.</summary>
    private static int ColumnScratchLength(int classes) => ((2 * classes) + LaneValues) * TOps.Count;

    /// <summary>
    /// Rows [row, row + W) of [N, C] values as lanes: transposed into <paramref name="scratch"/>'s logits (as one sample
    /// of W positions), run by <see cref="Columns"/>, whose gradient, in the exponentials' place, is transposed back.
    /// </summary>
    private static void RowsAsLanes(in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, Span<T> scratch, Span<T> losses)
    {
        var width = TOps.Count;
        var classes = arguments.Classes;
        var rowsStart = row * classes;
        fixed (T* logits = scratch)
        {
            var gradient = logits + (classes * width);
            SpatialTile.TransposeRows(arguments.Logits + rowsStart, width, classes, (TStorage*)logits, toColumns: true);
            Columns(arguments, factor, row, logits, gradient, (nuint)width, scratch, losses);
            if (TMode.ComputesGradient)
                SpatialTile.TransposeRows(arguments.Gradient + rowsStart, width, classes, (TStorage*)gradient, toColumns: false);
        }
    }

    /// <summary>
    /// Positions [row, row + W) (W = the width's lanes), class c of position i at <paramref name="logits"/>[c·stride + i]:
    /// each one's loss into <paramref name="losses"/>, and its gradient, when the mode computes it, to the same place in
    /// <paramref name="gradient"/>. The logits are first copied into <paramref name="scratch"/> (or are there already).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, T* logits, T* gradient, nuint stride, Span<T> scratch,
        Span<T> losses)
    {
        var width = TOps.Count;
        var classes = arguments.Classes;
        ref readonly var source = ref *logits;
        ref var x = ref scratch[0];
        ref var e = ref scratch[classes * width];
        var lanes = scratch.Slice(2 * classes * width, LaneValues * width);
        ref var maxima = ref lanes[0];
        ref var counts = ref lanes[width];
        ref var inverseZ = ref lanes[2 * width];
        ref var withAll = ref lanes[3 * width];
        ref var targetGradients = ref lanes[4 * width];
        Span<long> targets = stackalloc long[width];
        Span<LaneKind> kinds = stackalloc LaneKind[width];

        // Each lane's maximum; a lane with a NaN logit takes NaN, as a row's maximum does. The logits are copied to the
        // scratch on the way: S apart, often a power of two, every class's line maps to one cache set.
        var best = TOps.Create(T.NegativeInfinity);
        var nan = TOps.Create(T.Zero);
        for (nuint c = 0; c < (nuint)classes; c++)
        {
            var v = TOps.Load(in source, c * stride);
            TOps.Store(v, ref x, c * (nuint)width);
            best = TOps.Max(best, v);
            nan = TOps.BitwiseOr(nan, TOps.AndNot(TOps.CreateFromBits(-1), TOps.Equal(v, v)));
        }

        best = TOps.ConditionalSelect(nan, TOps.Create(T.NaN), best);
        var minusBest = TOps.Negate(best);
        var atMaxCount = TOps.Create(T.Zero);
        for (nuint c = 0; c < (nuint)classes; c++)
        {
            var (exponential, atMax) = ColumnElement.Exponential(TOps.Load(in x, c * (nuint)width), best, minusBest);
            TOps.Store(exponential, ref e, c * (nuint)width);
            atMaxCount = TOps.Add(atMaxCount, TOps.BitwiseAnd(atMax, TOps.Create(T.One)));
        }

        TOps.Store(best, ref maxima, 0);
        TOps.Store(atMaxCount, ref counts, 0);
        Lanes(arguments, factor, row, scratch, targets, kinds, losses);
        if (!TMode.ComputesGradient)
            return;

        // p_k·withAll for every class, then each lane's own corrections.
        var m = TOps.Load(in maxima, 0);
        var invZ = TOps.Load(in inverseZ, 0);
        var all = TOps.Load(in withAll, 0);
        for (nuint c = 0; c < (nuint)classes; c++)
        {
            var g = ColumnElement.Gradient(
                TOps.Load(in x, c * (nuint)width), TOps.Load(in e, c * (nuint)width), m, invZ, all, default, default, false);
            TOps.Store(g, ref *gradient, c * stride);
        }

        for (var i = 0; i < width; i++)
        {
            if (kinds[i] == LaneKind.Computed)
            {
                gradient[(targets[i] * (long)stride) + i] = Unsafe.Add(ref targetGradients, i);
                continue;
            }

            // As a row: zeros for an ignored one, NaN where the softmax is undefined.
            var value = kinds[i] == LaneKind.Ignored ? T.Zero : T.CreateTruncating(double.NaN);
            for (nuint c = 0; c < (nuint)classes; c++)
                gradient[(c * stride) + (nuint)i] = value;
        }
    }

    /// <summary>
    /// Each lane's row scalars, as <see cref="Row"/> computes them for a class-index target without a dense part, in
    /// phases across the lanes (sums, constants, terms): each phase's lanes are independent, so their dependency chains
    /// overlap where one lane's whole chain would run alone. Each lane's target and kind go to <paramref name="targets"/>
    /// and <paramref name="kinds"/>.
    /// </summary>
    private static void Lanes(
        in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, Span<T> scratch, Span<long> targets, Span<LaneKind> kinds,
        Span<T> losses)
    {
        const int Canonical = BlockGeometry.CanonicalLanes;
        var width = TOps.Count;
        var classes = arguments.Classes;
        var exponentials = scratch.Slice(classes * width, classes * width);
        var lanes = scratch.Slice(2 * classes * width, LaneValues * width);
        Span<double> weights = stackalloc double[width];
        for (var i = 0; i < width; i++)
        {
            targets[i] = arguments.TargetOf(row + i);
            weights[i] = arguments.Weights == null ? 1.0 : ElementStorage.ToDouble(arguments.Weights[row + i]);
            var ignored = targets[i] == arguments.IgnoreIndex || weights[i] == 0;
            kinds[i] = ignored ? LaneKind.Ignored : T.IsFinite(lanes[i]) ? LaneKind.Computed : LaneKind.Undefined;
            losses[i] = ignored ? T.Zero : T.NaN;

            // The gradient pass runs every lane; these lanes' columns are then overwritten.
            lanes[(2 * width) + i] = T.Zero;
            lanes[(3 * width) + i] = T.Zero;
        }

        // The canonical sums of the rows' exponentials (class j in canonical lane j mod 16, in class order), kept as
        // sums[k · W + i] for lane i, then the row constants: lanes in double registers of the driver's width (two to eight
        // at a time), or one lane alone at the scalar width.
        Span<double> sums = stackalloc double[Canonical * width];
        sums.Clear();
        for (var c = 0; c < classes; c++)
            AddWidened(exponentials.Slice(c * width, width), sums.Slice(c % Canonical * width, width));

        Span<SoftmaxRowConstants<T>> constants = stackalloc SoftmaxRowConstants<T>[width];
        if (width == 1)
            constants[0] = new SoftmaxRowConstants<T>(lanes[0], int.CreateTruncating(lanes[1]),
                CanonicalSum.Combine<double, ScalarOps<double>>(sums, 0, 1));
        else if (Vector512.IsHardwareAccelerated && width >= Vector512<double>.Count)
            LaneConstants<Vector512<double>, Vector512Ops<double>>(lanes, sums, constants);
        else if (Vector256.IsHardwareAccelerated && width >= Vector256<double>.Count)
            LaneConstants<Vector256<double>, Vector256Ops<double>>(lanes, sums, constants);
        else
            LaneConstants<Vector128<double>, Vector128Ops<double>>(lanes, sums, constants);

        // The target terms of every lane as registers, unless a lane's Poly-1 coefficient rounds to 0 alone.
        var terms = new LaneTargets(stackalloc T[LaneTargets.Values * width], width);
        var poly = arguments.PolyEpsilon != 0;
        var uniformPoly = true;
        for (var i = 0; i < width; i++)
        {
            if (kinds[i] != LaneKind.Computed)
                continue;

            var t = (int)targets[i];
            var (scale, polyScale) = Algebra.Scales(weights[i], arguments.Alpha, arguments.PolyEpsilon);
            var (coefficient, polyCoefficient) = TargetCoefficients(arguments, t, scale, polyScale);
            terms.Set(i, scratch[(t * width) + i], exponentials[(t * width) + i], coefficient, polyCoefficient, constants[i]);
            uniformPoly &= (polyCoefficient != T.Zero) == poly;
        }

        if (uniformPoly)
            terms.Compute(lanes[..width], factor, poly);
        else
            terms.ComputeEach(factor, constants, kinds);

        for (var i = 0; i < width; i++)
        {
            if (kinds[i] != LaneKind.Computed)
                continue;

            // A row adds its target term to its (here empty) dense sum, which turns a -0 term into +0.
            losses[i] = terms.Loss[i] + T.Zero;
            if (!TMode.ComputesGradient)
                continue;

            var upstream = UpstreamOf(arguments, row + i);
            var sparse = double.CreateTruncating(terms.Slope[i]);
            var p = double.CreateTruncating(terms.P[i]);
            var q = double.CreateTruncating(terms.Q[i]);
            lanes[(2 * width) + i] = constants[i].InverseZ;
            lanes[(3 * width) + i] = T.CreateTruncating(Algebra.WithAll(upstream, 0.0, sparse));
            lanes[(4 * width) + i] = T.CreateTruncating(Algebra.TargetGradient(upstream, p, q, 0.0, 0.0, sparse));
        }
    }

    /// <summary><paramref name="sums"/> plus <paramref name="values"/>, each widened to double (exactly: the order of the
    /// additions is each lane's own, whatever the register width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(ReadOnlySpan<T> values, Span<double> sums)
    {
        ref var sum = ref MemoryMarshal.GetReference(sums);
        var i = 0;
        if (typeof(T) == typeof(float))
        {
            ref var value = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(values));
            for (; Vector512.IsHardwareAccelerated && i + 16 <= values.Length; i += 16)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref value, (nuint)i));
                (Vector512.LoadUnsafe(ref sum, (nuint)i) + lower).StoreUnsafe(ref sum, (nuint)i);
                (Vector512.LoadUnsafe(ref sum, (nuint)i + 8) + upper).StoreUnsafe(ref sum, (nuint)i + 8);
            }

            for (; Vector256.IsHardwareAccelerated && i + 8 <= values.Length; i += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref value, (nuint)i));
                (Vector256.LoadUnsafe(ref sum, (nuint)i) + lower).StoreUnsafe(ref sum, (nuint)i);
                (Vector256.LoadUnsafe(ref sum, (nuint)i + 4) + upper).StoreUnsafe(ref sum, (nuint)i + 4);
            }

            for (; i + 4 <= values.Length; i += 4)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref value, (nuint)i));
                (Vector128.LoadUnsafe(ref sum, (nuint)i) + lower).StoreUnsafe(ref sum, (nuint)i);
                (Vector128.LoadUnsafe(ref sum, (nuint)i + 2) + upper).StoreUnsafe(ref sum, (nuint)i + 2);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ref var value = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(values));
            for (; Vector512.IsHardwareAccelerated && i + 8 <= values.Length; i += 8)
                (Vector512.LoadUnsafe(ref sum, (nuint)i) + Vector512.LoadUnsafe(ref value, (nuint)i)).StoreUnsafe(ref sum, (nuint)i);
            for (; Vector256.IsHardwareAccelerated && i + 4 <= values.Length; i += 4)
                (Vector256.LoadUnsafe(ref sum, (nuint)i) + Vector256.LoadUnsafe(ref value, (nuint)i)).StoreUnsafe(ref sum, (nuint)i);
            for (; i + 2 <= values.Length; i += 2)
                (Vector128.LoadUnsafe(ref sum, (nuint)i) + Vector128.LoadUnsafe(ref value, (nuint)i)).StoreUnsafe(ref sum, (nuint)i);
        }

        for (; i < values.Length; i++)
            Unsafe.Add(ref sum, i) += double.CreateTruncating(values[i]);
    }

    /// <summary>
    /// Every lane's row constants, as many lanes at a time as a <typeparamref name="TDouble"/> holds (the width's lanes are a
    /// multiple of it): the same double operations as one row's, on a register of rows. <paramref name="lanes"/> holds the
    /// maxima then the classes at them, <paramref name="sums"/> the canonical lane sums (lane k of row i at k · W + i).
    /// </summary>
    private static void LaneConstants<TDouble, TDoubleOps>(ReadOnlySpan<T> lanes, Span<double> sums, Span<SoftmaxRowConstants<T>> constants)
        where TDouble : struct
        where TDoubleOps : ISimdOps<TDouble, double>
    {
        var width = constants.Length;
        var step = TDoubleOps.Count;
        var registers = MemoryMarshal.Cast<double, TDouble>(sums);
        Span<double> values = stackalloc double[4 * step];
        for (var i0 = 0; i0 < width; i0 += step)
        {
            for (var k = 0; k < step; k++)
                values[k] = double.CreateTruncating(lanes[width + i0 + k]);
            var (inverseZ, logZ, maxComplement) = SoftmaxFocalRowAlgebra<TDouble, TDoubleOps>.RowConstants(
                TDoubleOps.Load(in values[0], 0), CanonicalSum.Combine<TDouble, TDoubleOps>(registers, i0 / step, width / step));
            TDoubleOps.Store(inverseZ, ref values[step], 0);
            TDoubleOps.Store(logZ, ref values[2 * step], 0);
            TDoubleOps.Store(maxComplement, ref values[3 * step], 0);
            for (var k = 0; k < step; k++)
            {
                constants[i0 + k] = new SoftmaxRowConstants<T>(
                    lanes[i0 + k], values[step + k], values[(2 * step) + k], values[(3 * step) + k]);
            }
        }
    }

    /// <summary>
    /// The lanes' target classes: their logit, exponential, coefficients and row constants going in, their loss term,
    /// slope, p and q coming out, each a register's worth of values (lanes not set hold zeros).
    /// </summary>
    private readonly ref struct LaneTargets
    {
        public const int Values = 12;

        private readonly Span<T> values;
        private readonly int width;

        public LaneTargets(Span<T> values, int width)
        {
            values.Clear();
            this.values = values;
            this.width = width;
        }

        public Span<T> Loss => Lane(8);

        public Span<T> Slope => Lane(9);

        public Span<T> P => Lane(10);

        public Span<T> Q => Lane(11);

        public void Set(int lane, T x, T e, T coefficient, T polyCoefficient, in SoftmaxRowConstants<T> row)
        {
            // Value k of a lane at k · width + lane: one bounds check for the lane, none per value.
            ref var value = ref values[..width][lane];
            Unsafe.Add(ref value, 0) = x;
            Unsafe.Add(ref value, width) = e;
            Unsafe.Add(ref value, 2 * width) = coefficient;
            Unsafe.Add(ref value, 3 * width) = polyCoefficient;
            Unsafe.Add(ref value, 4 * width) = row.InverseZ;
            Unsafe.Add(ref value, 5 * width) = row.LogZ;
            Unsafe.Add(ref value, 6 * width) = row.MaxComplement;
        }

        /// <summary>Every lane's terms as registers, the row maxima in <paramref name="maxima"/>.</summary>
        public void Compute(ReadOnlySpan<T> maxima, in TFactor factor, bool poly)
        {
            var rows = new SoftmaxRowRegisters<TVec>(Load(maxima), TOps.Create(ColumnElement.ClampDistance), Load(Lane(4)), Load(Lane(5)),
                Load(Lane(6)), TOps.Create(factor.Gamma));
            var (loss, slope, p, q) = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Terms(
                Load(Lane(0)), Load(Lane(1)), Load(Lane(2)), Load(Lane(3)), poly, rows, factor, TMode.ComputesGradient);
            TOps.Store(loss, ref Loss[0], 0);
            TOps.Store(slope, ref Slope[0], 0);
            TOps.Store(p, ref P[0], 0);
            TOps.Store(q, ref Q[0], 0);
        }

        /// <summary>The terms of each computed lane (kind 0) alone, with its own Poly-1 test.</summary>
        public void ComputeEach(in TFactor factor, ReadOnlySpan<SoftmaxRowConstants<T>> rows, ReadOnlySpan<LaneKind> kinds)
        {
            for (var i = 0; i < width; i++)
            {
                if (kinds[i] != LaneKind.Computed)
                    continue;
                (Loss[i], Slope[i], P[i], Q[i]) = SoftmaxFocalRow<TVec, T, TOps, TFactor>.Terms(
                    Lane(0)[i], Lane(1)[i], Lane(2)[i], Lane(3)[i], rows[i], factor, TMode.ComputesGradient);
            }
        }

        private static TVec Load(ReadOnlySpan<T> lane) => TOps.Load(in lane[0], 0);

        private Span<T> Lane(int index) => values.Slice(index * width, width);
    }

    /// <summary>The recipe at the driver's width, a lane per position.</summary>
    private abstract class ColumnElement : SoftmaxFocalElement<TVec, T, TOps>;
}
