using System.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The modulating factor m = q^γ of focal loss, with q = 1 - p_t: a power operator the generator specialized for
/// one γ (γ = 0 among them: no factor at all), or a power for a γ known only at run time.
/// </summary>
internal interface IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>True when γ = 0: m = 1 and the γ-term of the gradient vanishes, so neither is computed.</summary>
    static abstract bool IsIdentity { get; }

    /// <summary>
    /// True when q^γ is a few multiplications or a square root: the algebra pass computes q and q^γ itself. An exp·log
    /// power runs in passes of its own, where its long dependency chains overlap across a block's registers.
    /// </summary>
    static abstract bool IsShort { get; }

    /// <summary>
    /// True when q^(γ - 1) is a few multiplications (<see cref="InvokeMinusOne"/>): the gradient then takes m·r as
    /// q^(γ - 1)·σ(x)σ(-x), with no division by q.
    /// </summary>
    static abstract bool HasShortPowerMinusOne { get; }

    /// <summary>γ in the element type (for the gradient's γ(1 - 2y) coefficient).</summary>
    T Gamma { get; }

    /// <summary>The power from a hard label's margin, where it serves this factor (an exp·log power in float, γ ≤ 8); else null.</summary>
    MarginPower<T>? MarginPower { get; }

    /// <summary>q^γ for one register of q values in [0, 1].</summary>
    TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>;

    /// <summary>q^(γ - 1) where <see cref="HasShortPowerMinusOne"/>; other factors throw <see cref="NotSupportedException"/>.</summary>
    TVec InvokeMinusOne<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>;
}
