namespace FocalAot.Numerics;

/// <summary>
/// The constants of the kernels' exp and log: polynomial coefficients, range-reduction splits and limits, the one
/// table behind <see cref="Elementary"/>, and through it behind the OpenCL C rendered from the same recipe.
/// </summary>
internal static class Polynomials
{
    // float exp(r) = 1 + r + r²·Q(r) on |r| ≤ ln2/2, Q minimax (≤ 0.88 ulp over [-104, 0]).
    public const double ExpSingle6 = 0.0013814613179649294;
    public const double ExpSingle5 = 0.008368709823183678;
    public const double ExpSingle4 = 0.04166838736287949;
    public const double ExpSingle3 = 0.16666520689843284;
    public const double ExpSingle2 = 0.4999999345170051;

    // double exp(r): Taylor terms 1/13! .. 1/2! (truncation below 2^-56 on |r| ≤ ln2/2).
    public const double ExpDouble13 = 1.0 / 6227020800.0;
    public const double ExpDouble12 = 1.0 / 479001600.0;
    public const double ExpDouble11 = 1.0 / 39916800.0;
    public const double ExpDouble10 = 1.0 / 3628800.0;
    public const double ExpDouble9 = 1.0 / 362880.0;
    public const double ExpDouble8 = 1.0 / 40320.0;
    public const double ExpDouble7 = 1.0 / 5040.0;
    public const double ExpDouble6 = 1.0 / 720.0;
    public const double ExpDouble5 = 1.0 / 120.0;
    public const double ExpDouble4 = 1.0 / 24.0;
    public const double ExpDouble3 = 1.0 / 6.0;
    public const double ExpDouble2 = 0.5;

    // float log1p(e) = e + e²·P(e) on [0, 1], P minimax of degree 8 (≤ 1.43 ulp).
    public const double Log1pSingle8 = -0.0033184745404857023;
    public const double Log1pSingle7 = 0.020204593942086506;
    public const double Log1pSingle6 = -0.05766446124025285;
    public const double Log1pSingle5 = 0.10680557255529938;
    public const double Log1pSingle4 = -0.15355397355554737;
    public const double Log1pSingle3 = 0.19695400922581266;
    public const double Log1pSingle2 = -0.2495858750315061;
    public const double Log1pSingle1 = 0.33330511329266266;
    public const double Log1pSingle0 = -0.4999993276398012;

    // fdlibm's log kernel: log(1 + f) with R(z) = z·P(z), z = s², s = f / (2 + f); Lg7 .. Lg1.
    public const double LogDouble7 = 1.479819860511658591e-01;
    public const double LogDouble6 = 1.531383769920937332e-01;
    public const double LogDouble5 = 1.818357216161805012e-01;
    public const double LogDouble4 = 2.222219843214978396e-01;
    public const double LogDouble3 = 2.857142874366239149e-01;
    public const double LogDouble2 = 3.999999999940941908e-01;
    public const double LogDouble1 = 6.666666666666735130e-01;

    /// <summary>ln 2 split so that k·high is exact: float (Cody-Waite) and double (fdlibm).</summary>
    public const double Ln2HighSingle = 0.693359375;
    public const double Ln2LowSingle = -2.12194440e-4;
    public const double Ln2HighDouble = 6.93147180369123816490e-01;
    public const double Ln2LowDouble = 1.90821492927058770002e-10;
    public const double Log2E = 1.4426950408889634;
    public const double Ln2 = 0.6931471805599453;

    /// <summary>1.5·2^23 and 1.5·2^52: adding one rounds to an integer held in the low mantissa bits.</summary>
    public const double ShifterSingle = 12582912.0;
    public const double ShifterDouble = 6755399441055744.0;

    /// <summary>Below these exp underflows to 0 (half the smallest subnormal).</summary>
    public const double ExpFloorSingle = -104.0;
    public const double ExpFloorDouble = -746.0;

    /// <summary>The float power's 2^n·exp(r) gives 0 below n = -190 (its scale 2^(n+64) is then the smallest normal).</summary>
    public const double ExpReducedFloorSingle = -190.0;

    /// <summary>exp's polynomial is pre-scaled by 2^-64 and the result multiplied by 2^(n+64), which stays normal, so a
    /// subnormal result is rounded once; these are the IEEE bits of 2^64 (float and double) the scale adds to n.</summary>
    public const double ExpPrescale = 5.421010862427522e-20;
    public const long ExpScaleBitsSingle = (127L + 64) << 23;
    public const long ExpScaleBitsDouble = (1023L + 64) << 52;

    /// <summary>Subnormal arguments of the double log (below the smallest normal) are scaled by 2^54 first.</summary>
    public const double SmallestNormalDouble = 2.2250738585072014e-308;
    public const double SubnormalScale = 18014398509481984.0;
    public const double SubnormalScaleExponent = 54.0;

    /// <summary>The double log's split value = 2^k (1 + f) with 1 + f in [√½, √2): the bits of 1.0, the high bits of
    /// √½, the mantissa mask, and 2^52 (whose low mantissa bits receive the biased exponent).</summary>
    public const long OneBitsDouble = 0x3FF0000000000000;
    public const long SqrtHalfHighBitsDouble = 0x3FE6A09E00000000;
    public const long MantissaMaskDouble = 0x000FFFFFFFFFFFFF;
    public const long TwoTo52BitsDouble = 0x4330000000000000;
    public const double TwoTo52Double = 4503599627370496.0;
    public const double ExponentBiasDouble = 1023.0;

    /// <summary>The float power's split q = 2^k (1 + f), f in [0, 1): subnormal q is scaled by 2^24 first; the bits of 1.0,
    /// the mantissa mask, and 2^23 (whose low mantissa bits receive the biased exponent).</summary>
    public const double SmallestNormalSingle = 1.1754943508222875e-38;
    public const double SubnormalScaleSingle = 16777216.0;
    public const double SubnormalScaleExponentSingle = 24.0;
    public const long OneBitsSingle = 0x3F800000;
    public const long MantissaMaskSingle = 0x007FFFFF;
    public const long TwoTo23BitsSingle = 0x4B000000;
    public const double TwoTo23Single = 8388608.0;
    public const double ExponentBiasSingle = 127.0;

    /// <summary>
    /// The largest γ the float power serves: beyond it the rounding of γ·log1p(f) would pass 1e-6 relative, and a
    /// run-time γ is evaluated in double. γ's high part keeps 16 significant bits (this mask), so high·k is exact.
    /// </summary>
    public const double SinglePowerMaxGamma = 8.0;
    public const int SingleGammaHighMask = unchecked((int)0xFFFFFF00);

    /// <summary>
    /// The margin power's split of γ and of the margin a: the sign, the exponent and the top 11 mantissa bits (12
    /// significant bits), so a product of two such parts has at most 24 and is exact.
    /// </summary>
    public const int MarginSplitMaskSingle = unchecked((int)0xFFFFF000);

    /// <summary>
    /// The margin power clamps γ·a at about this: exp(-120) is below half the smallest subnormal float, and with γ·l ≤
    /// 8 ln 2 the scale's exponent stays above <see cref="ExpReducedFloorSingle"/> without a test.
    /// </summary>
    public const double MarginExponentLimit = 120.0;
}
