using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The softmax focal loss of one row of C logits, in passes over the row. With m = max x, e_j = exp(x_j - m) and
/// Z = Σ e_j: p_j = e_j / Z, -log p_j = (m - x_j) + log Z, and q_j = 1 - p_j, which for a class at the maximum is
/// the other classes' mass over Z (no cancellation) and for any other class is 1 - p_j with p_j ≤ 1/2 (no
/// cancellation either). A class with coefficient c_j (target mass × α × weight) adds c_j q_j^γ (-log p_j) to the
/// loss and g_j = c_j q_j^γ (1 + γ p_j (-log p_j) / q_j) to the row's gradient sum; dloss/dx_k = p_k Σ g - g_k.
/// </summary>
/// <remarks>
/// A row has a sparse part (one class-index target: one scalar term) and a dense part (a coefficient for every class:
/// soft targets, or label smoothing's ε/C). Each pass runs whole registers of the chosen width and the remainder one
/// element at a time; the element operations are the stages of <see cref="SoftmaxFocalElement{TVec, T, TOps}"/>, the
/// same at every width, and the row sums use the canonical order, so every width gives the same bits.
/// </remarks>
internal static class SoftmaxFocalRow<TVec, T, TOps, TFactor>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
{
    /// <summary>The largest logit, or NaN when the row holds a NaN (Max alone would pick a NaN by instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Maximum(ReadOnlySpan<T> x)
    {
        var (best, nan, j) = Maximum<TVec, TOps>(x, TOps.Create(T.NegativeInfinity), TOps.Create(T.Zero), 0);
        if (TOps.AnyLaneSet(nan))
            return T.NaN;

        var result = TOps.MaxAcross(best);
        for (; j < x.Length; j++)
        {
            var v = x[j];
            if (T.IsNaN(v))
                return T.NaN;
            result = v > result ? v : result;
        }

        return result;
    }

    /// <summary>The index of the first class at the maximum <paramref name="max"/> (a register at a time, then the lane).</summary>
    public static int IndexOfMaximum(ReadOnlySpan<T> x, T max)
    {
        var j = 0;
        var m = TOps.Create(max);
        while (j <= x.Length - TOps.Count && !TOps.AnyLaneSet(TOps.Equal(TOps.Load(in x[0], (nuint)j), m)))
            j += TOps.Count;
        while (x[j] != max)
            j++;
        return j;
    }

    /// <summary>
    /// Writes e_j = exp(x_j - m) for every class below the maximum and 0 for a class at it (whose e is exactly 1), and
    /// returns how many classes are at the maximum. x_j - m is carried as a rounded difference and its exact error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Exponentials(ReadOnlySpan<T> x, T max, Span<T> e)
    {
        var (count, j) = Exponentials<TVec, TOps>(x, max, e, 0, 0);
        return Exponentials<T, ScalarOps<T>>(x, max, e, count, j).Count;
    }

    /// <summary>
    /// The dense part: each class's loss term and gradient term for coefficients c_j = scale·α_j·((1 - ε) y_j + ε/C)
    /// (α_j and y_j when given), written to <paramref name="losses"/> and <paramref name="slopes"/> (when not empty).
    /// </summary>
    /// <remarks>
    /// An exp·log power (not <see cref="IModulatingFactor{T}.IsShort"/>) is computed first, for the whole row, into the
    /// slopes (or, forward only, the losses), which the terms then read back before they overwrite them: over register
    /// pairs there (<see cref="PairedPower{TVec, T, TOps, TFactor}"/>), its long dependency chains overlap, where inside
    /// the terms one chain would wait on latency.
    /// </remarks>
    public static void DenseTerms(
        ReadOnlySpan<T> x, ReadOnlySpan<T> e, in SoftmaxRowConstants<T> row, in TFactor factor, in DenseCoefficients<T> coefficients,
        Span<T> losses, Span<T> slopes)
    {
        var modulations = TFactor.IsShort ? default : slopes.IsEmpty ? losses : slopes;
        if (!TFactor.IsShort)
        {
            var end = Complements<TVec, TOps>(x, e, row, factor.Gamma, modulations, 0);
            Complements<T, ScalarOps<T>>(x, e, row, factor.Gamma, modulations, end);
            PairedPower<TVec, T, TOps, TFactor>.InPlace(factor, modulations[..end]);
            PairedPower<T, T, ScalarOps<T>, TFactor>.InPlace(factor, modulations[end..]);
        }

        var j = DenseTerms<TVec, TOps>(x, e, row, factor, coefficients, losses, slopes, modulations, 0);
        DenseTerms<T, ScalarOps<T>>(x, e, row, factor, coefficients, losses, slopes, modulations, j);
    }

    /// <summary>The loss term, gradient term, p and q of one class (the sparse part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Loss, T Slope, T P, T Q) Terms(
        T x, T e, T coefficient, T polyCoefficient, in SoftmaxRowConstants<T> row, in TFactor factor, bool gradient)
    {
        var constants = Registers<T, ScalarOps<T>>(row, factor.Gamma);
        return Terms<T, ScalarOps<T>>(x, e, coefficient, polyCoefficient, polyCoefficient != T.Zero, constants, factor, default, staged: false,
            gradient);
    }

    /// <summary>
    /// The loss term, gradient term, p and q of a register of classes whose lanes are rows of their own, each with its
    /// constants in <paramref name="rows"/>: per lane, the operations of the scalar <see cref="Terms(T, T, T, T, in
    /// SoftmaxRowConstants{T}, in TFactor, bool)"/> with <paramref name="poly"/> for a nonzero Poly-1 coefficient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Loss, TVec Slope, TVec P, TVec Q) Terms(
        TVec x, TVec e, TVec coefficient, TVec polyCoefficient, bool poly, in SoftmaxRowRegisters<TVec> rows, in TFactor factor, bool gradient)
        => Terms<TVec, TOps>(x, e, coefficient, polyCoefficient, poly, rows, factor, default, staged: false, gradient);

    /// <summary>
    /// The row's gradient: G_k = p_k·withAll - dense·g_k, where withAll folds the row's upstream scale, the dense
    /// gradient sum and the sparse term (whose own class the caller then corrects), and dense is 0 without a dense part.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient(ReadOnlySpan<T> x, ReadOnlySpan<T> e, T max, T inverseZ, T withAll, T dense, ReadOnlySpan<T> slopes, Span<T> gradient)
    {
        var j = Gradient<TVec, TOps>(x, e, max, inverseZ, withAll, dense, slopes, gradient, 0);
        Gradient<T, ScalarOps<T>>(x, e, max, inverseZ, withAll, dense, slopes, gradient, j);
    }

    // The passes are inlined into the row: a call that hands back its tuple through memory costs a short row (COCO's 80
    // classes are five 512-bit registers) more than the loop itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV Best, TV NaN, int End) Maximum<TV, TO>(ReadOnlySpan<T> x, TV best, TV nan, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        ref readonly var source = ref x[0];
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var v = TO.Load(in source, (nuint)j);
            best = TO.Max(best, v);
            nan = TO.BitwiseOr(nan, TO.AndNot(TO.CreateFromBits(-1), TO.Equal(v, v)));
        }

        return (best, nan, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Count, int End) Exponentials<TV, TO>(ReadOnlySpan<T> x, T max, Span<T> e, int count, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        if (j >= x.Length)
            return (count, j);
        ref readonly var source = ref x[0];
        ref var destination = ref e[0];
        var m = TO.Create(max);
        var minusM = TO.Create(-max);
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var (exponential, atMax) = Element<TV, TO>.Exponential(TO.Load(in source, (nuint)j), m, minusM);
            TO.Store(exponential, ref destination, (nuint)j);
            count += TO.CountSet(atMax);
        }

        return (count, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DenseTerms<TV, TO>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> e, in SoftmaxRowConstants<T> row, in TFactor factor, in DenseCoefficients<T> coefficients,
        Span<T> losses, Span<T> slopes, ReadOnlySpan<T> modulations, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        if (j >= x.Length)
            return j;
        var constants = Registers<TV, TO>(row, factor.Gamma);
        var scale = TO.Create(coefficients.Scale);
        var polyScale = TO.Create(coefficients.PolyScale);
        var poly = coefficients.PolyScale != T.Zero;
        var uniform = TO.Create(coefficients.Uniform);
        var targetShare = TO.Create(coefficients.TargetShare);
        var gradient = !slopes.IsEmpty;
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var offset = (nuint)j;
            var mass = coefficients.Targets.IsEmpty
                ? uniform
                : Element<TV, TO>.Mass(TO.Load(in coefficients.Targets[0], offset), targetShare, uniform);
            var hasClassAlpha = !coefficients.ClassAlpha.IsEmpty;
            var (coefficient, polyCoefficient) = Element<TV, TO>.DenseCoefficients(
                mass, scale, polyScale, hasClassAlpha ? TO.Load(in coefficients.ClassAlpha[0], offset) : default, hasClassAlpha);

            var staged = TFactor.IsShort ? default : TO.Load(in modulations[0], offset);
            var (loss, slope, _, _) = Terms<TV, TO>(TO.Load(in x[0], offset), TO.Load(in e[0], offset), coefficient, polyCoefficient, poly,
                constants, factor, staged, !TFactor.IsShort, gradient);
            if (!losses.IsEmpty)
                TO.Store(loss, ref losses[0], offset);
            if (gradient)
                TO.Store(slope, ref slopes[0], offset);
        }

        return j;
    }

    /// <summary>One register's loss term, gradient term, p and q; q^γ is <paramref name="stagedModulation"/> where
    /// <paramref name="staged"/> (computed beforehand for the row), else the factor's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV Loss, TV Slope, TV P, TV Q) Terms<TV, TO>(
        TV x, TV e, TV coefficient, TV polyCoefficient, bool poly, in SoftmaxRowRegisters<TV> row, in TFactor factor,
        TV stagedModulation, bool staged, bool gradient)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        var p = Element<TV, TO>.Probability(x, e, row.Max, row.InverseZ);
        var q = Element<TV, TO>.Complement(x, p, row);
        var modulation = TFactor.IsIdentity ? TO.Create(T.One) : staged ? stagedModulation : factor.Invoke<TV, TO>(q);
        var gamma = Element<TV, TO>.FocusingGamma<TFactor>(q, row);
        var (loss, slope) = Element<TV, TO>.LossAndSlope<TFactor>(x, coefficient, polyCoefficient, poly, p, q, modulation, gamma, row, gradient);
        return (loss, slope, p, q);
    }

    /// <summary>q_j of whole registers of the row (from <paramref name="j"/>) into <paramref name="q"/>; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static int Complements<TV, TO>(ReadOnlySpan<T> x, ReadOnlySpan<T> e, in SoftmaxRowConstants<T> row, T gamma, Span<T> q, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        if (j >= x.Length)
            return j;
        var constants = Registers<TV, TO>(row, gamma);
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var offset = (nuint)j;
            var xv = TO.Load(in x[0], offset);
            var p = Element<TV, TO>.Probability(xv, TO.Load(in e[0], offset), constants.Max, constants.InverseZ);
            TO.Store(Element<TV, TO>.Complement(xv, p, constants), ref q[0], offset);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Gradient<TV, TO>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> e, T max, T inverseZ, T withAll, T dense, ReadOnlySpan<T> slopes, Span<T> gradient, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        if (j >= x.Length)
            return j;
        var m = TO.Create(max);
        var invZ = TO.Create(inverseZ);
        var all = TO.Create(withAll);
        var minusDense = TO.Create(-dense);
        var hasDense = dense != T.Zero;
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var offset = (nuint)j;
            var slope = hasDense ? TO.Load(in slopes[0], offset) : default;
            var g = Element<TV, TO>.Gradient(TO.Load(in x[0], offset), TO.Load(in e[0], offset), m, invZ, all, minusDense, slope, hasDense);
            TO.Store(g, ref gradient[0], offset);
        }

        return j;
    }

    /// <summary>The row constants as registers of one width.</summary>
    private static SoftmaxRowRegisters<TV> Registers<TV, TO>(in SoftmaxRowConstants<T> row, T gamma)
        where TV : struct
        where TO : ISimdOps<TV, T>
        => new(TO.Create(row.Max), TO.Create(Element<TV, TO>.ClampDistance), TO.Create(row.InverseZ), TO.Create(row.LogZ),
            TO.Create(row.MaxComplement), TO.Create(gamma));

    /// <summary>The recipe at one width (its stages are static).</summary>
    private abstract class Element<TV, TO> : SoftmaxFocalElement<TV, T, TO>
        where TV : struct
        where TO : ISimdOps<TV, T>;
}
