using System.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The modulating factor m = q^γ of focal loss, with q = 1 - p_t. One implementation per way of
/// evaluating the power: none at all (γ = 0), or a general power for any γ ≥ 0.
/// </summary>
internal interface IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>True when γ = 0: m = 1 and the γ-term of the gradient vanishes, so neither is computed.</summary>
    static abstract bool IsIdentity { get; }

    /// <summary>γ in the element type (for the gradient's γ(1 - 2y) coefficient).</summary>
    T Gamma { get; }

    /// <summary>Replaces each q in <paramref name="values"/> (a block, length a multiple of 16) by q^γ.</summary>
    void Apply<TVec, TOps>(Span<T> values)
        where TVec : struct
        where TOps : ISimdOps<TVec, T>;
}
