using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q^γ for a γ that is neither an integer nor an integer plus ½: the power of the runtime's generic kernels and of the
/// generator's <see cref="FocalPowerForm.Transcendental"/> operators, so both give the same bits for the same γ.
/// </summary>
/// <remarks>
/// Float with 0 &lt; γ ≤ 8 computes exp(γ log q) in float, the exponent kept exact in its integer part; any other γ, and
/// double, in double (float lanes widened exactly and narrowed once). Both stay within 1e-6 relative of the exact power
/// of the given q, at every SIMD width alike (docs/NUMERICS.md §3).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TranscendentalPower
{
    /// <summary>q^γ for one register of q values in [0, 1] and γ &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TVec, T, TOps>(TVec q, double gamma)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        if (typeof(T) != typeof(float))
            return TOps.PowerInDouble(q, gamma);
        if (gamma > Polynomials.SinglePowerMaxGamma)
            return PowerInDouble<TVec, T, TOps>(q, gamma);

        var (high, low) = Elementary.SplitSingleGamma(gamma);
        return Elementary.PowerSingle<TVec, T, TOps>(q, TOps.Create(T.CreateTruncating(high)), TOps.Create(T.CreateTruncating(low)));
    }

    // Not inlined: float kernels with γ ≤ 8 never take this branch, and inlining both would exhaust the pass's budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVec PowerInDouble<TVec, T, TOps>(TVec q, double gamma)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
        => TOps.PowerInDouble(q, gamma);

    /// <summary>Whether γ's power is evaluated in float (float, γ ≤ 8), else in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSingle<T>(double gamma) => typeof(T) == typeof(float) && gamma <= Polynomials.SinglePowerMaxGamma;
}
