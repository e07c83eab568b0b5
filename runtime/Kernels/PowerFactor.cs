using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q^γ for a γ &gt; 0 known only at run time: exp(γ log q) evaluated in double precision at the caller's width.
/// </summary>
/// <remarks>
/// In float, log q carries an absolute error near ε·|log q|, which γ turns into a relative error of m of about
/// γ·ε·|log q| (3e-6 for γ = 5 at q = 1e-5): too much for the 2e-6 bound. Widening q is exact, the double
/// evaluation is accurate to ~1e-15, and narrowing rounds once, so every width still gives the same bits.
/// </remarks>
internal readonly struct PowerFactor<T>(double gamma) : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool IsIdentity => false;

    public static bool IsShort => false;

    public T Gamma { get; } = T.CreateTruncating(gamma);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => TOps.PowerInDouble(q, gamma);
}
