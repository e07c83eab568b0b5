using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q^γ for a γ &gt; 0 known only at run time: <see cref="TranscendentalPower"/>, as a generated operator for the same γ.
/// </summary>
internal readonly struct PowerFactor<T>(double gamma) : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool IsIdentity => false;

    public static bool IsShort => false;

    public static bool HasShortPowerMinusOne => false;

    public T Gamma { get; } = T.CreateTruncating(gamma);

    public MarginPower<T>? MarginPower { get; } = MarginPower<T>.For(gamma);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TranscendentalPower.Invoke<TVec, T, TOps>(q, gamma);

    public TVec InvokeMinusOne<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => throw new NotSupportedException("An exp·log power's gradient divides by q.");
}
