using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The per-row arithmetic of the softmax focal loss, in double: the row constants from the exponentials' sum, the
/// coefficients of a row's sparse term, and the gradient's row factors and corrected classes. The .NET driver runs it
/// on scalars; the OpenCL renderer runs it over symbols, so a device computes each row with the same operations.
/// </summary>
/// <remarks>Static members only; the renderer derives from it to call them by name.</remarks>
internal abstract class SoftmaxFocalRowAlgebra<TVec, TOps>
    where TVec : struct
    where TOps : ISimdMath<TVec, double>
{
    /// <summary>2^64: the bound of a row's coefficients (and, doubled, of its upstream times them) that runs as it is.</summary>
    private const double CoefficientLimit = 18446744073709551616.0;

    private protected SoftmaxFocalRowAlgebra()
    {
    }

    /// <summary>
    /// 1/Z, log Z and 1 - p of a class at the maximum, from the number of classes at the maximum (each e = 1 exactly)
    /// and the others' mass S. The mass besides one class at the maximum, Z - 1 = (k - 1) + S, is a sum of non-negative
    /// parts: log Z = log1p(Z - 1) and 1 - p_max = (Z - 1) / Z are exact where Z - 1 is tiny (a confident row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec InverseZ, TVec LogZ, TVec MaxComplement) RowConstants(TVec classesAtMax, TVec belowMaxMass)
    {
        var one = TOps.Create(1);
        var others = TOps.Add(TOps.Subtract(classesAtMax, one), belowMaxMass);
        var inverseZ = TOps.Divide(one, TOps.Add(classesAtMax, belowMaxMass));
        return (inverseZ, Elementary.Log1p<TVec, TOps>(others), TOps.Multiply(others, inverseZ));
    }

    /// <summary>A row's scales: weight·α (every class's coefficient) and weight·ε (Poly-1's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Scale, TVec PolyScale) Scales(TVec weight, TVec alpha, TVec polyEpsilon)
        => (TOps.Multiply(weight, alpha), TOps.Multiply(weight, polyEpsilon));

    /// <summary>
    /// A row's scales and upstream gradient brought within the compute type's range by powers of two: the coefficients
    /// (scale·α_c up to <paramref name="classAlphaBound"/>, and polyScale) are divided by LossPower where they exceed
    /// 2^64, and the upstream by UpstreamPower where |upstream|·max(coefficients, 1) exceeds 2^65. The row then runs with
    /// no product near float's range, and its loss times LossPower and its gradient times LossPower·UpstreamPower
    /// (<see cref="Restored"/>) are its own: a power of two changes no digit of a normal number. Within those bounds both
    /// powers are 1, and the row computes what it computes without them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Scale, TVec PolyScale, TVec Upstream, TVec LossPower, TVec UpstreamPower) InRange(
        TVec scale, TVec polyScale, TVec classAlphaBound, TVec upstream)
    {
        var unitBound = TOps.Create(1 / CoefficientLimit);
        var coefficients = TOps.Multiply(TOps.Max(TOps.Multiply(TOps.Abs(scale), classAlphaBound), TOps.Abs(polyScale)), unitBound);
        var lossPower = PowerAbove(coefficients);

        // The coefficients now below 2^65, the upstream's bound is taken over max(coefficients, 1), so that neither the
        // upstream alone nor its product with a coefficient overflows.
        var atLeastOne = TOps.Max(TOps.Divide(coefficients, lossPower), unitBound);
        var upstreamPower = PowerAbove(TOps.Multiply(TOps.Multiply(TOps.Abs(upstream), atLeastOne), TOps.Create(0.5)));
        return (TOps.Divide(scale, lossPower), TOps.Divide(polyScale, lossPower), TOps.Divide(upstream, upstreamPower), lossPower,
            upstreamPower);
    }

    /// <summary>
    /// Whether <see cref="InRange"/> leaves the row as it is (both powers 1), by its comparisons without its divisions, for
    /// a driver to skip it on rows of ordinary scale. (A NaN upstream gives false here, and powers of 1 there.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LeavesAsIs(double scale, double polyScale, double classAlphaBound, double upstream)
    {
        var coefficients = Math.Max(Math.Abs(scale) * classAlphaBound, Math.Abs(polyScale));
        return coefficients <= CoefficientLimit && Math.Abs(upstream) * Math.Max(coefficients, 1) <= 2 * CoefficientLimit;
    }

    /// <summary>A loss (<paramref name="upstreamPower"/> 1) or gradient of a row run <see cref="InRange"/>, at the row's own scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Restored(TVec value, TVec lossPower, TVec upstreamPower) => TOps.Multiply(TOps.Multiply(value, lossPower), upstreamPower);

    /// <summary>The largest class α of a call (1 without a table): the bound of a class's α that <see cref="InRange"/> takes.</summary>
    public static double ClassAlphaBound(ReadOnlySpan<double> classAlpha)
    {
        var bound = classAlpha.IsEmpty ? 1.0 : 0.0;
        foreach (var alpha in classAlpha)
            bound = Math.Max(bound, alpha);
        return bound;
    }

    /// <summary>Label smoothing's shares: ε/C of every class and 1 - ε of the target distribution.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Uniform, TVec TargetShare) Shares(TVec smoothing, TVec classes)
        => (TOps.Divide(smoothing, classes), TOps.Subtract(TOps.Create(1), smoothing));

    /// <summary>The coefficients of a class-index target's own term: scale·α_t·(1 - ε) and polyScale·(1 - ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Coefficient, TVec PolyCoefficient) SparseCoefficients(TVec scale, TVec classAlpha, TVec polyScale, TVec smoothing)
    {
        var targetShare = TOps.Subtract(TOps.Create(1), smoothing);
        return (TOps.Multiply(TOps.Multiply(scale, classAlpha), targetShare), TOps.Multiply(polyScale, targetShare));
    }

    /// <summary>The factor of every class's p: upstream·(Σ dense g + the sparse term's g).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec WithAll(TVec upstream, TVec slopeSum, TVec sparse) => TOps.Multiply(upstream, TOps.Add(slopeSum, sparse));

    /// <summary>A class-index target's own gradient: upstream·(p_t Σ_{j≠t} g_j - q_t g_t), so p_t → 1 does not cancel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec TargetGradient(TVec upstream, TVec p, TVec q, TVec slopeSum, TVec denseSlope, TVec sparse)
        => TOps.Multiply(upstream, TOps.Subtract(TOps.Subtract(TOps.Multiply(p, slopeSum), denseSlope), TOps.Multiply(q, sparse)));

    /// <summary>
    /// The gradient of the one class at the maximum with a dense part: upstream·(p Σ_{j≠top} g_j - q g_top), the others'
    /// sum formed without the top class's term (and with the sparse term where the target is another class).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec TopGradient(TVec upstream, TVec p, TVec q, TVec othersSum, TVec othersSparse, TVec ownSlope, TVec ownSparse)
        => TOps.Multiply(upstream, TOps.Subtract(
            TOps.Multiply(p, TOps.Add(othersSum, othersSparse)), TOps.Multiply(q, TOps.Add(ownSlope, ownSparse))));

    /// <summary>The power of two at or below <paramref name="value"/> where it exceeds 1 (∞ counted as double's largest), else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec PowerAbove(TVec value)
    {
        var one = TOps.Create(1);
        var power = TOps.BitwiseAnd(TOps.Min(value, TOps.Create(double.MaxValue)), TOps.CreateFromBits(0x7FF0_0000_0000_0000));
        return TOps.ConditionalSelect(TOps.LessThan(one, value), power, one);
    }
}
