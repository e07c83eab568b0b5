using System.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>γ = 0: plain (α-weighted) binary cross-entropy; the factor is never evaluated.</summary>
internal readonly struct IdentityFactor<T> : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool IsIdentity => true;

    public T Gamma => T.Zero;

    public void Apply<TVec, TOps>(Span<T> values)
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
    {
        // m = 1 is folded into the algebra; kernels do not call this.
    }
}
