using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>The modulating factor of a generated power operator: γ and its form are JIT-time constants.</summary>
internal readonly struct SpecializedFactor<T, TPower> : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    // AggressiveInlining: the kernels branch on these in loops that exhaust NativeAOT's inlining budget; a call left
    // there keeps both branches of every test (twice the time per element).
    public static bool IsIdentity
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TPower.Form == FocalPowerForm.Identity;
    }

    public static bool IsShort
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TPower.Form != FocalPowerForm.Transcendental;
    }

    public static bool HasShortPowerMinusOne
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TPower.Form is FocalPowerForm.Chain or FocalPowerForm.HalfChain && TPower.Gamma >= 1;
    }

    public T Gamma
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => T.CreateTruncating(TPower.Gamma);
    }

    public MarginPower<T>? MarginPower
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsShort ? null : MarginPower<T>.For(TPower.Gamma);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TPower.Invoke<TVec, T, TOps>(q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec InvokeMinusOne<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TPower.InvokeMinusOne<TVec, T, TOps>(q);
}
