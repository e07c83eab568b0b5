using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
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
/// element at a time; the element operations are the same at every width, and the row sums use the canonical order,
/// so every width gives the same bits.
/// </remarks>
internal static class SoftmaxFocalRow<TVec, T, TOps, TFactor>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
{
    /// <summary>A distance below the maximum beyond which exp is 0 in either precision (the kernels clamp to it).</summary>
    private static T ClampDistance
        => T.CreateTruncating(typeof(T) == typeof(float) ? 2 * -Polynomials.ExpFloorSingle : 2 * -Polynomials.ExpFloorDouble);

    /// <summary>The largest logit, or NaN when the row holds a NaN (Max alone would pick a NaN by instruction).</summary>
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
    public static int Exponentials(ReadOnlySpan<T> x, T max, Span<T> e)
    {
        var (count, j) = Exponentials<TVec, TOps>(x, max, e, 0, 0);
        return Exponentials<T, ScalarOps<T>>(x, max, e, count, j).Count;
    }

    /// <summary>
    /// The dense part: each class's loss term and gradient term for coefficients c_j = scale·α_j·((1 - ε) y_j + ε/C)
    /// (α_j and y_j when given), written to <paramref name="losses"/> and <paramref name="slopes"/> (when not empty).
    /// </summary>
    public static void DenseTerms(
        ReadOnlySpan<T> x, ReadOnlySpan<T> e, in SoftmaxRowConstants<T> row, in TFactor factor, in DenseCoefficients<T> coefficients,
        Span<T> losses, Span<T> slopes)
    {
        var j = DenseTerms<TVec, TOps>(x, e, row, factor, coefficients, losses, slopes, 0);
        DenseTerms<T, ScalarOps<T>>(x, e, row, factor, coefficients, losses, slopes, j);
    }

    /// <summary>The loss term, gradient term, p and q of one class (the sparse part).</summary>
    public static (T Loss, T Slope, T P, T Q) Terms(
        T x, T e, T coefficient, T polyCoefficient, in SoftmaxRowConstants<T> row, in TFactor factor, bool gradient)
    {
        var constants = new RegisterConstants<T, ScalarOps<T>>(row, factor.Gamma);
        return Terms<T, ScalarOps<T>>(x, e, coefficient, polyCoefficient, polyCoefficient != T.Zero, constants, factor, gradient);
    }

    /// <summary>
    /// The row's gradient: G_k = p_k·withAll - dense·g_k, where withAll folds the row's upstream scale, the dense
    /// gradient sum and the sparse term (whose own class the caller then corrects), and dense is 0 without a dense part.
    /// </summary>
    public static void Gradient(ReadOnlySpan<T> x, ReadOnlySpan<T> e, T max, T inverseZ, T withAll, T dense, ReadOnlySpan<T> slopes, Span<T> gradient)
    {
        var j = Gradient<TVec, TOps>(x, e, max, inverseZ, withAll, dense, slopes, gradient, 0);
        Gradient<T, ScalarOps<T>>(x, e, max, inverseZ, withAll, dense, slopes, gradient, j);
    }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        var farthest = TO.Create(-ClampDistance);
        var zero = TO.Create(T.Zero);
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var v = TO.Load(in source, (nuint)j);

            // 2Sum: d + tail = v - m exactly. Where d is beyond exp's range (or -∞, with a NaN tail) e is 0 whatever the
            // tail, so both are replaced there.
            var d = TO.Add(v, minusM);
            var back = TO.Subtract(d, v);
            var tail = TO.Add(TO.Subtract(v, TO.Subtract(d, back)), TO.Subtract(minusM, back));
            var inRange = TO.GreaterThanOrEqual(d, farthest);
            var exponential = Elementary.Exp<TV, T, TO>(TO.Max(d, farthest), TO.ConditionalSelect(inRange, tail, zero));

            var atMax = TO.Equal(v, m);
            TO.Store(TO.ConditionalSelect(atMax, zero, exponential), ref destination, (nuint)j);
            count += TO.CountSet(atMax);
        }

        return (count, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DenseTerms<TV, TO>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> e, in SoftmaxRowConstants<T> row, in TFactor factor, in DenseCoefficients<T> coefficients,
        Span<T> losses, Span<T> slopes, int j)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        if (j >= x.Length)
            return j;
        var constants = new RegisterConstants<TV, TO>(row, factor.Gamma);
        var scale = TO.Create(coefficients.Scale);
        var polyScale = TO.Create(coefficients.PolyScale);
        var poly = coefficients.PolyScale != T.Zero;
        var uniform = TO.Create(coefficients.Uniform);
        var targetShare = TO.Create(coefficients.TargetShare);
        var gradient = !slopes.IsEmpty;
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var offset = (nuint)j;
            var mass = coefficients.Targets.IsEmpty ? uniform : TO.MultiplyAdd(TO.Load(in coefficients.Targets[0], offset), targetShare, uniform);
            var coefficient = TO.Multiply(scale, mass);
            if (!coefficients.ClassAlpha.IsEmpty)
                coefficient = TO.Multiply(coefficient, TO.Load(in coefficients.ClassAlpha[0], offset));

            var (loss, slope, _, _) = Terms<TV, TO>(
                TO.Load(in x[0], offset), TO.Load(in e[0], offset), coefficient, TO.Multiply(polyScale, mass), poly, constants, factor, gradient);
            if (!losses.IsEmpty)
                TO.Store(loss, ref losses[0], offset);
            if (gradient)
                TO.Store(slope, ref slopes[0], offset);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV Loss, TV Slope, TV P, TV Q) Terms<TV, TO>(
        TV x, TV e, TV coefficient, TV polyCoefficient, bool poly, in RegisterConstants<TV, TO> row, in TFactor factor, bool gradient)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        var zero = TO.Create(T.Zero);
        var one = TO.Create(T.One);
        var atMax = TO.Equal(x, row.Max);
        var p = TO.Multiply(TO.ConditionalSelect(atMax, one, e), row.InverseZ);
        var q = TO.ConditionalSelect(atMax, row.MaxComplement, TO.Subtract(one, p));

        // -log p = (m - x) + log Z: two non-negative parts. A -∞ logit gives +∞ (its loss), so a zero coefficient is
        // selected rather than multiplied; the gradient's p·(-log p) uses the clamped logit, where p = 0 gives 0.
        var modulation = TFactor.IsIdentity ? one : factor.Invoke<TV, TO>(q);
        var gamma = typeof(TFactor) == typeof(SampleDependentFactor<T>) ? SampleDependentFactor<T>.GammaOf<TV, TO>(q) : row.Gamma;
        var minusLogP = TO.Add(TO.Subtract(row.Max, x), row.LogZ);
        var loss = TO.Multiply(coefficient, TFactor.IsIdentity ? minusLogP : TO.Multiply(modulation, minusLogP));
        loss = TO.ConditionalSelect(TO.Equal(coefficient, zero), zero, loss);

        // Poly-1: + b (1 - p)^(γ+1), whose p ∂/∂p is -(γ+1) b q^γ p.
        if (poly)
            loss = TO.MultiplyAdd(polyCoefficient, TO.Multiply(modulation, q), loss);

        var slope = zero;
        if (gradient)
        {
            if (TFactor.IsIdentity)
            {
                slope = coefficient;
            }
            else
            {
                // Beyond the clamp distance p is 0, so the clamp leaves p·(-log p) = 0 and keeps ∞ out of it.
                var clampedMinusLogP = TO.Add(TO.Min(TO.Subtract(row.Max, x), row.ClampDistance), row.LogZ);
                var ratio = TO.Divide(clampedMinusLogP, TO.Max(q, TO.Create(T.Epsilon)));
                var focusing = TO.MultiplyAdd(TO.Multiply(gamma, p), ratio, one);
                slope = TO.Multiply(TO.Multiply(coefficient, modulation), focusing);
            }

            if (poly)
                slope = TO.MultiplyAdd(TO.Multiply(polyCoefficient, modulation), TO.Multiply(TO.Add(gamma, one), p), slope);
        }

        return (loss, slope, p, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        var one = TO.Create(T.One);
        for (; j <= x.Length - TO.Count; j += TO.Count)
        {
            var offset = (nuint)j;
            var v = TO.Load(in x[0], offset);
            var p = TO.Multiply(TO.ConditionalSelect(TO.Equal(v, m), one, TO.Load(in e[0], offset)), invZ);
            var g = TO.Multiply(p, all);
            if (dense != T.Zero)
                g = TO.MultiplyAdd(TO.Load(in slopes[0], offset), minusDense, g);
            TO.Store(g, ref gradient[0], offset);
        }

        return j;
    }

    /// <summary>The row constants as registers of one width.</summary>
    private readonly struct RegisterConstants<TV, TO>(in SoftmaxRowConstants<T> row, T gamma)
        where TV : struct
        where TO : ISimdOps<TV, T>
    {
        public TV Max { get; } = TO.Create(row.Max);

        public TV ClampDistance { get; } = TO.Create(SoftmaxFocalRow<TVec, T, TOps, TFactor>.ClampDistance);

        public TV InverseZ { get; } = TO.Create(row.InverseZ);

        public TV LogZ { get; } = TO.Create(row.LogZ);

        public TV MaxComplement { get; } = TO.Create(row.MaxComplement);

        public TV Gamma { get; } = TO.Create(gamma);
    }
}
