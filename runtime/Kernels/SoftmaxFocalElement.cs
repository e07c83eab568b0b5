using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The softmax focal loss of one register of classes of a row, in stages: the one recipe of the per-class numerics.
/// The .NET row kernel (<see cref="SoftmaxFocalRow{TVec, T, TOps, TFactor}"/>) runs the stages as passes over a row;
/// the OpenCL renderer runs them once over symbolic values and records OpenCL C. With m = max x, e_j = exp(x_j - m)
/// and the row constants of <see cref="SoftmaxRowConstants{T}"/>: p_j = e_j / Z, q_j = 1 - p_j (the others' mass over
/// Z for a class at the maximum), -log p_j = (m - x_j) + log Z, loss_j = c_j q_j^γ (-log p_j) and
/// g_j = c_j q_j^γ (1 + γ p_j (-log p_j) / q_j), plus Poly-1's b_j q_j^(γ+1) and its gradient term.
/// </summary>
/// <remarks>Static members only; the classes that run the stages derive from it to call them by name.</remarks>
internal abstract class SoftmaxFocalElement<TVec, T, TOps>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdMath<TVec, T>
{
    private protected SoftmaxFocalElement()
    {
    }

    /// <summary>A distance below the maximum beyond which exp is 0 in either precision (the stages clamp to it).</summary>
    public static T ClampDistance
    {
        // Inlined, it is a constant of the pass loops; a call would run once per register.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => T.CreateTruncating(typeof(T) == typeof(float) ? 2 * -Polynomials.ExpFloorSingle : 2 * -Polynomials.ExpFloorDouble);
    }

    /// <summary>
    /// e = exp(x - m) for a class below the maximum and 0 for a class at it (whose e is exactly 1), and the mask of the
    /// classes at it. x - m is carried as a rounded difference and its exact error (2Sum), which joins exp's argument.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec E, TVec AtMax) Exponential(TVec x, TVec max, TVec minusMax)
    {
        // Where d is beyond exp's range (or -∞, with a NaN tail) e is 0 whatever the tail, so the tail is replaced there
        // (exp clamps d itself).
        var d = TOps.Add(x, minusMax);
        var back = TOps.Subtract(d, x);
        var tail = TOps.Add(TOps.Subtract(x, TOps.Subtract(d, back)), TOps.Subtract(minusMax, back));
        var inRange = TOps.GreaterThanOrEqual(d, TOps.Create(-ClampDistance));
        var exponential = Elementary.Exp<TVec, T, TOps>(d, TOps.ConditionalSelect(inRange, tail, Zero));
        var atMax = TOps.Equal(x, max);
        return (TOps.ConditionalSelect(atMax, Zero, exponential), atMax);
    }

    /// <summary>p = e / Z, with e = 1 for a class at the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Probability(TVec x, TVec e, TVec max, TVec inverseZ)
        => TOps.Multiply(TOps.ConditionalSelect(TOps.Equal(x, max), One, e), inverseZ);

    /// <summary>q = 1 - p: the others' mass over Z for a class at the maximum, 1 - p (with p ≤ 1/2) for any other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Complement(TVec x, TVec p, in SoftmaxRowRegisters<TVec> row)
        => TOps.ConditionalSelect(TOps.Equal(x, row.Max), row.MaxComplement, TOps.Subtract(One, p));

    /// <summary>The focusing γ of a class: FLSD-53's choice from its q, else the row's γ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec FocusingGamma<TFactor>(TVec q, in SoftmaxRowRegisters<TVec> row)
        where TFactor : struct, IModulatingFactor<T>
        => typeof(TFactor) == typeof(SampleDependentFactor<T>) ? SampleDependentFactor<T>.GammaOf<TVec, TOps>(q) : row.Gamma;

    /// <summary>
    /// A dense part's coefficients for target mass <paramref name="mass"/>: c = scale·mass (times the class's α when
    /// given) and Poly-1's b = polyScale·mass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Coefficient, TVec PolyCoefficient) DenseCoefficients(
        TVec mass, TVec scale, TVec polyScale, TVec classAlpha, bool hasClassAlpha)
    {
        var coefficient = TOps.Multiply(scale, mass);
        if (hasClassAlpha)
            coefficient = TOps.Multiply(coefficient, classAlpha);
        return (coefficient, TOps.Multiply(polyScale, mass));
    }

    /// <summary>The target mass of a class with soft target y: (1 - ε) y + ε/C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Mass(TVec y, TVec targetShare, TVec uniform) => TOps.MultiplyAdd(y, targetShare, uniform);

    /// <summary>
    /// A class's loss term and gradient term from its p, q, modulating factor m = q^γ (1 for γ = 0) and focusing γ.
    /// The gradient term is zero when <paramref name="gradient"/> is false; Poly-1's terms join when
    /// <paramref name="poly"/> is true.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Loss, TVec Slope) LossAndSlope<TFactor>(
        TVec x, TVec coefficient, TVec polyCoefficient, bool poly, TVec p, TVec q, TVec modulation, TVec gamma,
        in SoftmaxRowRegisters<TVec> row, bool gradient)
        where TFactor : struct, IModulatingFactor<T>
    {
        // -log p = (m - x) + log Z: two non-negative parts. A -∞ logit gives +∞ (its loss), so a zero coefficient is
        // selected rather than multiplied; the gradient's p·(-log p) uses the clamped logit, where p = 0 gives 0.
        var minusLogP = TOps.Add(TOps.Subtract(row.Max, x), row.LogZ);
        var loss = TOps.Multiply(coefficient, TFactor.IsIdentity ? minusLogP : TOps.Multiply(modulation, minusLogP));
        loss = TOps.ConditionalSelect(TOps.Equal(coefficient, Zero), Zero, loss);

        // Poly-1: + b (1 - p)^(γ+1), whose p ∂/∂p is -(γ+1) b q^γ p.
        if (poly)
            loss = TOps.MultiplyAdd(polyCoefficient, TOps.Multiply(modulation, q), loss);

        var slope = Zero;
        if (gradient)
        {
            if (TFactor.IsIdentity)
            {
                slope = coefficient;
            }
            else
            {
                // Beyond the clamp distance p is 0, so the clamp leaves p·(-log p) = 0 and keeps ∞ out of it.
                var clampedMinusLogP = TOps.Add(TOps.Min(TOps.Subtract(row.Max, x), row.ClampDistance), row.LogZ);
                var ratio = TOps.Divide(clampedMinusLogP, TOps.Max(q, TOps.Create(T.Epsilon)));
                var focusing = TOps.MultiplyAdd(TOps.Multiply(gamma, p), ratio, One);
                slope = TOps.Multiply(TOps.Multiply(coefficient, modulation), focusing);
            }

            if (poly)
                slope = TOps.MultiplyAdd(TOps.Multiply(polyCoefficient, modulation), TOps.Multiply(TOps.Add(gamma, One), p), slope);
        }

        return (loss, slope);
    }

    /// <summary>
    /// A class's gradient p·withAll - dense·g (withAll folds the upstream gradient and the row's gradient sums); the
    /// dense part's term only when <paramref name="dense"/> is true.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient(TVec x, TVec e, TVec max, TVec inverseZ, TVec withAll, TVec minusDense, TVec slope, bool dense)
    {
        var g = TOps.Multiply(Probability(x, e, max, inverseZ), withAll);
        return dense ? TOps.MultiplyAdd(slope, minusDense, g) : g;
    }

    protected static TVec Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.Zero);
    }

    protected static TVec One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.One);
    }
}
