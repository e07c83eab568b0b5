using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// FLSD-53's modulating factor (Mukhoti et al., 2020): γ = 5 where p &lt; 0.2 (q = 1 - p &gt; 0.8), else γ = 3, chosen per
/// class from its own q; both powers are multiplications.
/// </summary>
internal readonly struct SampleDependentFactor<T> : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Above this q (below p = 0.2) γ is 5.</summary>
    public const double Threshold = 0.8;

    public static bool IsIdentity => false;

    public static bool IsShort => true;

    public static bool HasShortPowerMinusOne => false;

    /// <summary>The smaller γ; the kernels take each lane's γ from <see cref="GammaOf"/>.</summary>
    public T Gamma => T.CreateTruncating(3);

    public MarginPower<T>? MarginPower => null;

    /// <summary>Each lane's γ: 5 where q &gt; 0.8, else 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec GammaOf<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TOps.ConditionalSelect(Above<TVec, TOps>(q), TOps.Create(T.CreateTruncating(5)), TOps.Create(T.CreateTruncating(3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
    {
        var cube = TOps.Multiply(TOps.Multiply(q, q), q);
        return TOps.ConditionalSelect(Above<TVec, TOps>(q), TOps.Multiply(TOps.Multiply(cube, q), q), cube);
    }

    public TVec InvokeMinusOne<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => throw new NotSupportedException("FLSD-53's gradient divides by q.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Above<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TOps.LessThan(TOps.Create(T.CreateTruncating(Threshold)), q);
}
