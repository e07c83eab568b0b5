using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q^γ of an exp·log power from a hard label's margin (<see cref="Elementary.MarginPowerSingle"/>): float, 0 &lt; γ ≤ 8.
/// For a label of 0 or 1, q = σ(∓x) and -log q = a + l with a = max(±x, 0) and l = log1p(e^-|x|), which the kernel
/// computes anyway, so the power needs one exp instead of a log and an exp. Soft labels keep the power of q.
/// </summary>
internal readonly struct MarginPower<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T minusGammaLog2E;
    private readonly T minusHigh;
    private readonly T minusLow;
    private readonly T limit;

    private MarginPower(double gamma)
    {
        var (minusGammaLog2E, minusHigh, minusLow, limit) = Elementary.SplitMarginGamma(gamma);
        this.minusGammaLog2E = T.CreateTruncating(minusGammaLog2E);
        this.minusHigh = T.CreateTruncating(minusHigh);
        this.minusLow = T.CreateTruncating(minusLow);
        this.limit = T.CreateTruncating(limit);
    }

    /// <summary>The margin power of <paramref name="gamma"/>, or null where it does not serve (double, or γ &gt; 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MarginPower<T>? For(double gamma) => TranscendentalPower.IsSingle<T>(gamma) ? new MarginPower<T>(gamma) : null;

    /// <summary>q^γ for one register of margins a ≥ 0 and l = log1p(e^-|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TOps>(TVec margin, TVec l)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => Elementary.MarginPowerSingle<TVec, T, TOps>(
            margin, l, TOps.Create(minusGammaLog2E), TOps.Create(minusHigh), TOps.Create(minusLow), TOps.Create(limit));

    /// <summary>The first half of <see cref="Invoke"/>: the power's reduced argument, which <see cref="FromReduced"/> finishes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (TVec T, TVec R) Reduce<TVec, TOps>(TVec margin, TVec l)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => Elementary.MarginReducedSingle<TVec, T, TOps>(
            margin, l, TOps.Create(minusGammaLog2E), TOps.Create(minusHigh), TOps.Create(minusLow), TOps.Create(limit));

    /// <summary>The power from the reduced argument of <see cref="Reduce"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec FromReduced<TVec, TOps>(TVec t, TVec r)
        where TVec : struct
        where TOps : ISimdMath<TVec, T>
        => Elementary.ExpReducedSingle<TVec, T, TOps>(t, r);
}
