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
}
