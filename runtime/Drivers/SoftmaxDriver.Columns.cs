using System.Runtime.CompilerServices;
using FocalAot.Kernels;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// [N, C, S] positions a register at a time, one position per lane: a class's logits of consecutive positions are
/// contiguous, so the maximum, the exponentials and the gradient run as whole registers, with no row to gather and no
/// sum across lanes, and only each row's scalars (its canonical sum, constants and target term) run lane by lane. A
/// lane computes what <see cref="Row"/> computes for its position, with the same operations, so a position keeps the
/// bits of its row. For class-index targets without label smoothing, stored in the compute type.
/// </summary>
internal sealed unsafe partial class SoftmaxDriver<TVec, TStorage, T, TOps, TFactor, TMode>
{
    /// <summary>Per-lane values after the exponentials: maximum, classes at it, 1/Z, the p factor, the target's gradient, kind.</summary>
    private const int LaneValues = 6;

    /// <summary>A lane's kind: its row ignored (or weighted 0), its softmax undefined, or computed.</summary>
    private static readonly T Ignored = T.One;

    private static readonly T Undefined = T.One + T.One;

    /// <summary>Whether <see cref="Columns"/> runs the call's whole registers of positions.</summary>
    private static bool ColumnsApply(in SoftmaxArguments<TStorage> arguments)
        => arguments.Spatial >= TOps.Count && arguments.HasIndexTargets && arguments.LabelSmoothing == 0 && !Staged;

    /// <summary>The scratch <see cref="Columns"/> needs: every class's logits and exponentials, and the per-lane values.</summary>
    private static int ColumnScratchLength(int classes) => ((2 * classes) + LaneValues) * TOps.Count;

    /// <summary>
    /// Positions [row, row + W) of one sample (W = the width's lanes): each one's loss into <paramref name="losses"/>, and
    /// its gradient when the mode computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, Span<T> scratch, Span<T> losses)
    {
        var width = TOps.Count;
        var classes = arguments.Classes;
        var stride = (nuint)arguments.Spatial;
        var start = SpatialTile.Start(row, classes, arguments.Spatial);
        ref readonly var source = ref *((T*)arguments.Logits + start);
        ref var x = ref scratch[0];
        ref var e = ref scratch[classes * width];
        var lanes = scratch.Slice(2 * classes * width, LaneValues * width);
        ref var maxima = ref lanes[0];
        ref var counts = ref lanes[width];
        ref var inverseZ = ref lanes[2 * width];
        ref var withAll = ref lanes[3 * width];
        ref var targetGradients = ref lanes[4 * width];
        ref var kinds = ref lanes[5 * width];

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
        Lanes(arguments, factor, row, scratch, losses);
        if (!TMode.ComputesGradient)
            return;

        // p_k·withAll for every class, then each lane's own corrections.
        var gradient = (T*)arguments.Gradient + start;
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
            var kind = Unsafe.Add(ref kinds, i);
            if (kind == T.Zero)
            {
                gradient[(arguments.TargetOf(row + i) * (long)stride) + i] = Unsafe.Add(ref targetGradients, i);
                continue;
            }

            // As a row: zeros for an ignored one, NaN where the softmax is undefined.
            var value = kind == Ignored ? default : ElementStorage.FromDouble<TStorage>(double.NaN);
            for (var c = 0; c < classes; c++)
                arguments.Gradient[start + ((long)c * (long)stride) + i] = value;
        }
    }

    /// <summary>
    /// Each lane's row scalars, as <see cref="Row"/> computes them for a class-index target without a dense part, in
    /// phases across the lanes (sums, constants, terms): each phase's lanes are independent, so their dependency chains
    /// overlap where one lane's whole chain would run alone.
    /// </summary>
    private static void Lanes(in SoftmaxArguments<TStorage> arguments, in TFactor factor, long row, Span<T> scratch, Span<T> losses)
    {
        const int Canonical = BlockGeometry.CanonicalLanes;
        var width = TOps.Count;
        var classes = arguments.Classes;
        var exponentials = scratch.Slice(classes * width, classes * width);
        var lanes = scratch.Slice(2 * classes * width, LaneValues * width);
        var kinds = lanes.Slice(5 * width, width);
        Span<double> weights = stackalloc double[width];
        for (var i = 0; i < width; i++)
        {
            var target = arguments.TargetOf(row + i);
            weights[i] = arguments.Weights == null ? 1.0 : ElementStorage.ToDouble(arguments.Weights[row + i]);
            var ignored = target == arguments.IgnoreIndex || weights[i] == 0;
            kinds[i] = ignored ? Ignored : T.IsFinite(lanes[i]) ? T.Zero : Undefined;
            losses[i] = ignored ? T.Zero : T.NaN;

            // The gradient pass runs every lane; these lanes' columns are then overwritten.
            lanes[(2 * width) + i] = T.Zero;
            lanes[(3 * width) + i] = T.Zero;
        }

        // The canonical sums of the rows' exponentials: class j in lane j mod 16, in class order.
        Span<double> sums = stackalloc double[width * Canonical];
        sums.Clear();
        for (var c = 0; c < classes; c++)
        {
            var column = exponentials.Slice(c * width, width);
            var lane = c % Canonical;
            for (var i = 0; i < width; i++)
                sums[(i * Canonical) + lane] += double.CreateTruncating(column[i]);
        }

        Span<SoftmaxRowConstants<T>> constants = stackalloc SoftmaxRowConstants<T>[width];
        for (var i = 0; i < width; i++)
        {
            if (kinds[i] == T.Zero)
            {
                var belowMaxMass = CanonicalSum.Combine(sums.Slice(i * Canonical, Canonical));
                constants[i] = new SoftmaxRowConstants<T>(lanes[i], int.CreateTruncating(lanes[width + i]), belowMaxMass);
            }
        }

        for (var i = 0; i < width; i++)
        {
            if (kinds[i] != T.Zero)
                continue;

            var position = row + i;
            var (scale, polyScale) = Algebra.Scales(weights[i], arguments.Alpha, arguments.PolyEpsilon);
            var t = (int)arguments.TargetOf(position);
            var (loss, slope, p, q) = TargetTerms(
                arguments, factor, t, scale, polyScale, scratch[(t * width) + i], exponentials[(t * width) + i], constants[i]);
            var lossSum = 0.0;
            lossSum += double.CreateTruncating(loss);
            losses[i] = T.CreateTruncating(lossSum);
            if (!TMode.ComputesGradient)
                continue;

            var upstream = UpstreamOf(arguments, position);
            var sparse = double.CreateTruncating(slope);
            lanes[(2 * width) + i] = constants[i].InverseZ;
            lanes[(3 * width) + i] = T.CreateTruncating(Algebra.WithAll(upstream, 0.0, sparse));
            lanes[(4 * width) + i] = T.CreateTruncating(
                Algebra.TargetGradient(upstream, double.CreateTruncating(p), double.CreateTruncating(q), 0.0, 0.0, sparse));
        }
    }

    /// <summary>The recipe at the driver's width, a lane per position.</summary>
    private abstract class ColumnElement : SoftmaxFocalElement<TVec, T, TOps>;
}
