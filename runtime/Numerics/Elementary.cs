using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Numerics;

/// <summary>
/// exp and log built from FMA polynomials, written once for every width: the BCL's vector
/// exp/log do not give the same bits as the scalar ones, and the kernels promise bit-identical
/// results across widths. Coefficients: <see cref="Polynomials"/>.
/// </summary>
internal static class Elementary
{
    /// <summary>exp(x) for x ≤ 0 (small positive x is tolerated); results below the smallest subnormal are 0.</summary>
    /// <remarks>
    /// The polynomial is pre-scaled by 2^-64 and the result multiplied by 2^(n+64), which stays a normal
    /// number, so subnormal results are rounded once, correctly.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, T, TOps>(TVec x)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
        => Exp<TVec, T, TOps>(x, default, hasTail: false);

    /// <summary>
    /// exp(x + tail) for x ≤ 0, where tail is the rounding error of x (|tail| ≤ half an ulp of x): the tail joins the
    /// reduced argument, so exp of a difference that did not round exactly stays accurate however large |x| is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, T, TOps>(TVec x, TVec tail)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
        => Exp<TVec, T, TOps>(x, tail, hasTail: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Exp<TVec, T, TOps>(TVec x, TVec tail, bool hasTail)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        if (typeof(T) == typeof(float))
        {
            var (t, r) = ReduceSingle<TVec, T, TOps>(TOps.Max(x, C<TVec, T, TOps>(Polynomials.ExpFloorSingle)));
            if (hasTail)
                r = TOps.Add(r, tail);
            return ExpReducedSingle<TVec, T, TOps>(t, r);
        }
        else
        {
            const double shifter = Polynomials.ShifterDouble;
            x = TOps.Max(x, C<TVec, T, TOps>(Polynomials.ExpFloorDouble));
            var t = TOps.MultiplyAdd(x, C<TVec, T, TOps>(Polynomials.Log2E), C<TVec, T, TOps>(shifter));
            var n = TOps.Subtract(t, C<TVec, T, TOps>(shifter));
            var r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2HighDouble), x);
            r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2LowDouble), r);
            if (hasTail)
                r = TOps.Add(r, tail);
            var p = S<TVec, T, TOps>(Polynomials.ExpDouble13); // 1/13!
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble12));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble11));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble10));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble9));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble8));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble7));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble6));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble5));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble4));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble3));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpDouble2));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            var scale = TOps.AddBits(TOps.ShiftLeftBits(t, 52), TOps.CreateFromBits(Polynomials.ExpScaleBitsDouble));
            return TOps.Multiply(p, scale);
        }
    }

    /// <summary>
    /// Cody–Waite reduction of a float x: x = n ln2 + r with n the nearest integer to x/ln2, held as t = n + 1.5·2^23
    /// (the form <see cref="ExpReducedSingle"/> takes), and |r| ≤ ln2/2 (n·ln2_high is exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec T, TVec R) ReduceSingle<TVec, T, TOps>(TVec x)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        const double shifter = Polynomials.ShifterSingle;
        var t = TOps.MultiplyAdd(x, C<TVec, T, TOps>(Polynomials.Log2E), C<TVec, T, TOps>(shifter));
        var n = TOps.Subtract(t, C<TVec, T, TOps>(shifter));
        var r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2HighSingle), x);
        return (t, TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2LowSingle), r));
    }

    /// <summary>
    /// 2^n·exp(r) in float for |r| ≤ ln2/2 (a little more is tolerated) and n ≥ -190, with n held as t = n + 1.5·2^23.
    /// The polynomial is pre-scaled by 2^-64 and multiplied by 2^(n+64), which stays normal, so a subnormal
    /// result is rounded once, correctly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpReducedSingle<TVec, T, TOps>(TVec t, TVec r)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        var p = S<TVec, T, TOps>(Polynomials.ExpSingle6);
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpSingle5));
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpSingle4));
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpSingle3));
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(Polynomials.ExpSingle2));
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
        p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
        var scale = TOps.AddBits(TOps.ShiftLeftBits(t, 23), TOps.CreateFromBits(Polynomials.ExpScaleBitsSingle));
        return TOps.Multiply(p, scale);
    }

    /// <summary>
    /// q^γ = exp(γ log q) in float for q in [0, 1] (slightly above 1 is tolerated) and 0 &lt; γ ≤
    /// <see cref="Polynomials.SinglePowerMaxGamma"/>, with γ = high + low split by <see cref="SplitSingleGamma"/>.
    /// </summary>
    /// <remarks>
    /// With q = 2^k (1 + f), f in [0, 1): γ log q = high·k·ln2 + high·log1p(f) + low·(k ln2 + log1p(f)). high has 16
    /// significant bits and |k| ≤ 151, so high·k is exact; its integer part n goes straight to the result's exponent and
    /// only its fraction joins the float sum x, so x stays below 0.35 + γ ln 2 in magnitude and rounds to within
    /// 2^-22 absolute for γ ≤ 8. With log1p's 1.43 ulp that is a relative error of q^γ under 1e-6 (docs/NUMERICS.md §3).
    /// Subnormal q is scaled by 2^24 first (exact); q = 0 gives 0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec PowerSingle<TVec, T, TOps>(TVec q, TVec gammaHigh, TVec gammaLow)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        const double shifter = Polynomials.ShifterSingle;
        var tiny = TOps.LessThan(q, C<TVec, T, TOps>(Polynomials.SmallestNormalSingle));
        var scaled = TOps.ConditionalSelect(tiny, TOps.Multiply(q, C<TVec, T, TOps>(Polynomials.SubnormalScaleSingle)), q);

        // k from the exponent bits (placed under 2^23 and subtracted as a float), 1 + f from the mantissa bits.
        var biased = TOps.BitwiseOr(TOps.ShiftRightLogicalBits(scaled, 23), TOps.CreateFromBits(Polynomials.TwoTo23BitsSingle));
        var k = TOps.Subtract(biased, C<TVec, T, TOps>(Polynomials.TwoTo23Single + Polynomials.ExponentBiasSingle));
        k = TOps.Subtract(k, TOps.BitwiseAnd(tiny, C<TVec, T, TOps>(Polynomials.SubnormalScaleExponentSingle)));
        var mantissa = TOps.BitwiseOr(TOps.BitwiseAnd(scaled, TOps.CreateFromBits(Polynomials.MantissaMaskSingle)),
            TOps.CreateFromBits(Polynomials.OneBitsSingle));
        var logMantissa = Log1pUnit<TVec, T, TOps>(TOps.Subtract(mantissa, C<TVec, T, TOps>(1.0)));

        // high·k in units of ln 2: exact; its integer part n and its fraction, both exact.
        var exponent = TOps.Multiply(gammaHigh, k);
        var n = TOps.Subtract(TOps.Add(exponent, C<TVec, T, TOps>(shifter)), C<TVec, T, TOps>(shifter));
        var fraction = TOps.Subtract(exponent, n);
        var low = TOps.Multiply(gammaLow, TOps.MultiplyAdd(k, C<TVec, T, TOps>(Polynomials.Ln2), logMantissa));
        var x = TOps.MultiplyAdd(gammaHigh, logMantissa, TOps.MultiplyAdd(fraction, C<TVec, T, TOps>(Polynomials.Ln2), low));

        // exp(x)·2^n: x's own reduction, with n added to its integer before the scale is built.
        var (t, r) = ReduceSingle<TVec, T, TOps>(x);
        var floor = C<TVec, T, TOps>(shifter + Polynomials.ExpReducedFloorSingle);
        var power = ExpReducedSingle<TVec, T, TOps>(TOps.Max(TOps.Add(t, n), floor), r);
        var zero = C<TVec, T, TOps>(0.0);
        return TOps.ConditionalSelect(TOps.Equal(q, zero), zero, power);
    }

    /// <summary>
    /// q^γ = exp(-γ (a + l)) in float, for a q given by -log q = a + l: a ≥ 0 a hard label's margin (clamped to
    /// <paramref name="limit"/>, past which the power is 0) and l = log1p(e^-|x|) in [0, ln 2]; γ ≤ 8 enters in float
    /// as -γ/ln 2 and as -high and -low (<see cref="SplitMarginGamma"/>). No log of q is taken: the kernel has l already.
    /// </summary>
    /// <remarks>
    /// a splits into a₁ (12 significant bits) and the exact rest a₂, so high·a₁ and high·a₂ are exact (high has 12 bits
    /// too). With n ≤ 0 the integer nearest -γ (a + l) / ln 2 (at least -182, as γ·a ≤ 120), r = -high·a₁ - n·ln2_high
    /// is the one rounding that matters: |r| ≤ 0.4 + γ ln 2, so within 2^-22 absolute for γ ≤ 8, the float power's
    /// bound (docs/NUMERICS.md §3). The other terms (high·l, high·a₂, n·ln2_low, low·(a + l)) join it in turn, each
    /// result below 0.5 in magnitude, and exp(r)·2^n rounds once, a subnormal result too.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec MarginPowerSingle<TVec, T, TOps>(
        TVec margin, TVec l, TVec minusGammaLog2E, TVec minusGammaHigh, TVec minusGammaLow, TVec limit)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        var (t, r) = MarginReducedSingle<TVec, T, TOps>(margin, l, minusGammaLog2E, minusGammaHigh, minusGammaLow, limit);
        return ExpReducedSingle<TVec, T, TOps>(t, r);
    }

    /// <summary>
    /// The reduced argument of <see cref="MarginPowerSingle"/>: its power is <see cref="ExpReducedSingle"/> of the pair,
    /// so a kernel may run the two halves in passes of their own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec T, TVec R) MarginReducedSingle<TVec, T, TOps>(
        TVec margin, TVec l, TVec minusGammaLog2E, TVec minusGammaHigh, TVec minusGammaLow, TVec limit)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        const double shifter = Polynomials.ShifterSingle;
        var a = TOps.Min(margin, limit);
        var high = TOps.BitwiseAnd(a, TOps.CreateFromBits(Polynomials.MarginSplitMaskSingle));
        var rest = TOps.Subtract(a, high);
        var large = TOps.Multiply(minusGammaHigh, high);

        // n from -γ (a + l) / ln 2 in float, within 1e-4 of the exact value, so the reduced argument stays near ln 2 / 2.
        var sum = TOps.Add(a, l);
        var t = TOps.MultiplyAdd(sum, minusGammaLog2E, C<TVec, T, TOps>(shifter));
        var n = TOps.Subtract(t, C<TVec, T, TOps>(shifter));
        var r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2HighSingle), large);
        r = TOps.MultiplyAdd(minusGammaHigh, l, r);
        r = TOps.MultiplyAdd(minusGammaHigh, rest, r);
        r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-Polynomials.Ln2LowSingle), r);
        r = TOps.MultiplyAdd(minusGammaLow, sum, r);
        return (t, r);
    }

    /// <summary>
    /// γ's parts for <see cref="MarginPowerSingle"/>: -γ/ln 2 in float, -high (γ in float with 12 significant bits), -low
    /// (the rest, rounded to float), and the margin's limit, about 120/γ (γ·a past it gives 0), at most float's largest.
    /// </summary>
    public static (float MinusGammaLog2E, float MinusHigh, float MinusLow, float Limit) SplitMarginGamma(double gamma)
    {
        var high = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)gamma) & Polynomials.MarginSplitMaskSingle);
        var limit = (float)Math.Min(Polynomials.MarginExponentLimit / gamma, float.MaxValue);
        return ((float)(-gamma * Polynomials.Log2E), -high, (float)(high - gamma), limit);
    }

    /// <summary>γ as high + low for <see cref="PowerSingle"/>: high is γ in float with its last 8 mantissa bits cleared
    /// (16 significant bits), low the rest rounded to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float High, float Low) SplitSingleGamma(double gamma)
    {
        var high = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)gamma) & Polynomials.SingleGammaHighMask);
        return (high, (float)(gamma - high));
    }

    /// <summary>log(1 + e) for e in [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1pUnit<TVec, T, TOps>(TVec e)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        if (typeof(T) == typeof(float))
        {
            // e + e^2 * P(e), minimax on [0, 1]: no range reduction needed.
            var p = C<TVec, T, TOps>(Polynomials.Log1pSingle8);
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle7));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle6));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle5));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle4));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle3));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle2));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle1));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(Polynomials.Log1pSingle0));
            return TOps.MultiplyAdd(TOps.Multiply(e, p), e, e);
        }
        else
        {
            // u = 1 + e rounds; c recovers the lost bits exactly (Fast2Sum, since 1 >= e), log1p(e) ~ log(u) + c/u.
            var one = C<TVec, T, TOps>(1.0);
            var u = TOps.Add(one, e);
            var c = TOps.Subtract(e, TOps.Subtract(u, one));
            var (k, f) = SplitDouble<TVec, T, TOps>(u);
            return LogReducedDouble<TVec, T, TOps>(k, f, TOps.Divide(c, u));
        }
    }

    /// <summary>log(1 + e) for any e ≥ 0, in double: 1 + e and its rounding error by Fast2Sum (larger operand first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1p<TVec, TOps>(TVec e)
        where TVec : struct
        where TOps : ISimdMath<TVec, double>
    {
        var one = TOps.Create(1.0);
        var u = TOps.Add(one, e);
        var c = TOps.ConditionalSelect(TOps.LessThanOrEqual(e, one), TOps.Subtract(e, TOps.Subtract(u, one)),
            TOps.Subtract(one, TOps.Subtract(u, e)));
        var (k, f) = SplitDouble<TVec, double, TOps>(u);
        return LogReducedDouble<TVec, double, TOps>(k, f, TOps.Divide(c, u));
    }

    /// <summary>
    /// Natural log of q in [0, 1] (slightly above 1 is tolerated), in double. Subnormal q is exact; q = 0 gives
    /// the log of half the smallest subnormal, a finite value that exp maps back to 0 for γ ≥ 1 and to 1 for γ = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LogUnit<TVec, TOps>(TVec q)
        where TVec : struct
        where TOps : ISimdMath<TVec, double>
    {
        var tiny = TOps.LessThan(q, TOps.Create(Polynomials.SmallestNormalDouble));
        var scaled = TOps.ConditionalSelect(tiny, TOps.Multiply(q, TOps.Create(Polynomials.SubnormalScale)), q);
        var (k, f) = SplitDouble<TVec, double, TOps>(scaled);
        k = TOps.Subtract(k, TOps.BitwiseAnd(tiny, TOps.Create(Polynomials.SubnormalScaleExponent)));
        return LogReducedDouble<TVec, double, TOps>(k, f, TOps.Create(0.0));
    }

    /// <summary>q^γ = exp(γ log q) for q in [0, 1], in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Power<TVec, TOps>(TVec q, TVec gamma)
        where TVec : struct
        where TOps : ISimdMath<TVec, double>
        => Exp<TVec, double, TOps>(TOps.Multiply(gamma, LogUnit<TVec, TOps>(q)));

    /// <summary>Splits a positive normal double into k and f with value = 2^k (1 + f), 1 + f in [0.707, 1.414).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec K, TVec F) SplitDouble<TVec, T, TOps>(TVec value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        var shifted = TOps.AddBits(value, TOps.CreateFromBits(Polynomials.OneBitsDouble - Polynomials.SqrtHalfHighBitsDouble));
        var biased = TOps.BitwiseOr(TOps.ShiftRightLogicalBits(shifted, 52), TOps.CreateFromBits(Polynomials.TwoTo52BitsDouble));
        var k = TOps.Subtract(biased, C<TVec, T, TOps>(Polynomials.TwoTo52Double + Polynomials.ExponentBiasDouble));
        var mantissa = TOps.AddBits(TOps.BitwiseAnd(shifted, TOps.CreateFromBits(Polynomials.MantissaMaskDouble)),
            TOps.CreateFromBits(Polynomials.SqrtHalfHighBitsDouble));
        return (k, TOps.Subtract(mantissa, C<TVec, T, TOps>(1.0)));
    }

    /// <summary>fdlibm's log kernel: k ln2 + log(1 + f) + correction, with |f| ≤ 0.415.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogReducedDouble<TVec, T, TOps>(TVec k, TVec f, TVec correction)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
    {
        var s = TOps.Divide(f, TOps.Add(C<TVec, T, TOps>(2.0), f));
        var z = TOps.Multiply(s, s);
        var p = C<TVec, T, TOps>(Polynomials.LogDouble7);
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble6));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble5));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble4));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble3));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble2));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(Polynomials.LogDouble1));
        var r = TOps.Multiply(z, p);
        var hfsq = TOps.Multiply(TOps.Multiply(C<TVec, T, TOps>(0.5), f), f);
        var low = TOps.MultiplyAdd(k, C<TVec, T, TOps>(Polynomials.Ln2LowDouble), correction);
        var tail = TOps.Subtract(hfsq, TOps.MultiplyAdd(s, TOps.Add(hfsq, r), low));
        return TOps.MultiplyAdd(k, C<TVec, T, TOps>(Polynomials.Ln2HighDouble), TOps.Negate(TOps.Subtract(tail, f)));
    }

    /// <summary>A constant in the element type (rounded to nearest for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec C<TVec, T, TOps>(double value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
        => TOps.Create(T.CreateTruncating(value));

    /// <summary>An exp polynomial coefficient pre-scaled by 2^-64 (exact: only the exponent changes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec S<TVec, T, TOps>(double value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>
        => TOps.Create(T.CreateTruncating(value) * T.CreateTruncating(Polynomials.ExpPrescale));
}
