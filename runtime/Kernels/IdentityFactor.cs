using System.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>γ = 0: plain (α-weighted) binary cross-entropy; the factor is folded away.</summary>
internal readonly struct IdentityFactor<T> : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool IsIdentity => true;

    public T Gamma => T.Zero;

    public TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
        => TOps.Create(T.One);
}
