using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Numerics;

/// <summary>
/// exp and log built from FMA polynomials, written once for every width: the BCL's vector
/// exp/log do not give the same bits as the scalar ones, and the kernels promise bit-identical
/// results across widths. Coefficients: float sets fitted minimax (≤ 0.88 ulp exp, ≤ 1.43 ulp
/// log1p on [0, 1]); double uses Taylor exp (degree 13, truncation below 2^-56) and the fdlibm
/// log kernel (Lg1..Lg7).
/// </summary>
internal static class Elementary
{
    private const double TwoToMinus64 = 5.421010862427522e-20;

    /// <summary>exp(x) for x ≤ 0 (small positive x is tolerated); results below the smallest subnormal are 0.</summary>
    /// <remarks>
    /// The polynomial is pre-scaled by 2^-64 and the result multiplied by 2^(n+64), which stays a normal
    /// number, so subnormal results are rounded once, correctly.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, T, TOps>(TVec x)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(T) == typeof(float))
        {
            const double shifter = 12582912.0; // 1.5 * 2^23: rounds x*log2(e) to an integer in the low mantissa bits
            x = TOps.Max(x, C<TVec, T, TOps>(-104.0));
            var t = TOps.MultiplyAdd(x, C<TVec, T, TOps>(1.44269504088896341), C<TVec, T, TOps>(shifter));
            var n = TOps.Subtract(t, C<TVec, T, TOps>(shifter));
            var r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-0.693359375), x);
            r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(2.12194440e-4), r);
            var p = S<TVec, T, TOps>(0.0013814613179649294);
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(0.008368709823183678));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(0.04166838736287949));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(0.16666520689843284));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(0.4999999345170051));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            var scale = TOps.AddBits(TOps.ShiftLeftBits(t, 23), TOps.CreateFromBits((127L + 64) << 23));
            return TOps.Multiply(p, scale);
        }
        else
        {
            const double shifter = 6755399441055744.0; // 1.5 * 2^52
            x = TOps.Max(x, C<TVec, T, TOps>(-746.0));
            var t = TOps.MultiplyAdd(x, C<TVec, T, TOps>(1.4426950408889634), C<TVec, T, TOps>(shifter));
            var n = TOps.Subtract(t, C<TVec, T, TOps>(shifter));
            var r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-6.93147180369123816490e-01), x);
            r = TOps.MultiplyAdd(n, C<TVec, T, TOps>(-1.90821492927058770002e-10), r);
            var p = S<TVec, T, TOps>(1.0 / 6227020800.0); // 1/13!
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 479001600.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 39916800.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 3628800.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 362880.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 40320.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 5040.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 720.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 120.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 24.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0 / 6.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(0.5));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            p = TOps.MultiplyAdd(p, r, S<TVec, T, TOps>(1.0));
            var scale = TOps.AddBits(TOps.ShiftLeftBits(t, 52), TOps.CreateFromBits((1023L + 64) << 52));
            return TOps.Multiply(p, scale);
        }
    }

    /// <summary>log(1 + e) for e in [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1pUnit<TVec, T, TOps>(TVec e)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(T) == typeof(float))
        {
            // e + e^2 * P(e), minimax on [0, 1]: no range reduction needed.
            var p = C<TVec, T, TOps>(-0.0033184745404857023);
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(0.020204593942086506));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(-0.05766446124025285));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(0.10680557255529938));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(-0.15355397355554737));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(0.19695400922581266));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(-0.2495858750315061));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(0.33330511329266266));
            p = TOps.MultiplyAdd(p, e, C<TVec, T, TOps>(-0.4999993276398012));
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

    /// <summary>
    /// Natural log of q in [0, 1] (slightly above 1 is tolerated). Subnormal q is exact; q = 0 gives the
    /// log of half the smallest subnormal (a finite value that exp maps back to 0 for any γ ≥ 1/2 and to 1 for γ = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LogUnit<TVec, T, TOps>(TVec q)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(T) == typeof(float))
        {
            // q = 2^k * m, m in [1, 2): log q = k ln2 + log1p(m - 1), reusing the [0, 1] log1p polynomial.
            var tiny = TOps.LessThan(q, C<TVec, T, TOps>(1.1754943508222875e-38));
            var scaled = TOps.Select(tiny, TOps.Multiply(q, C<TVec, T, TOps>(8388608.0)), q);
            var biased = TOps.Or(TOps.ShiftRightLogicalBits(scaled, 23), TOps.CreateFromBits(0x4B000000));
            var k = TOps.Subtract(biased, C<TVec, T, TOps>(8388608.0 + 127.0));
            k = TOps.Subtract(k, TOps.And(tiny, C<TVec, T, TOps>(23.0)));
            var m = TOps.Or(TOps.And(scaled, TOps.CreateFromBits(0x007FFFFF)), TOps.CreateFromBits(0x3F800000));
            var lf = Log1pUnit<TVec, T, TOps>(TOps.Subtract(m, C<TVec, T, TOps>(1.0)));
            return TOps.MultiplyAdd(k, C<TVec, T, TOps>(0.693359375), TOps.MultiplyAdd(k, C<TVec, T, TOps>(-2.12194440e-4), lf));
        }
        else
        {
            var tiny = TOps.LessThan(q, C<TVec, T, TOps>(2.2250738585072014e-308));
            var scaled = TOps.Select(tiny, TOps.Multiply(q, C<TVec, T, TOps>(18014398509481984.0)), q); // 2^54
            var (k, f) = SplitDouble<TVec, T, TOps>(scaled);
            k = TOps.Subtract(k, TOps.And(tiny, C<TVec, T, TOps>(54.0)));
            return LogReducedDouble<TVec, T, TOps>(k, f, C<TVec, T, TOps>(0.0));
        }
    }

    /// <summary>Splits a positive normal double into k and f with value = 2^k (1 + f), 1 + f in [0.707, 1.414).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec K, TVec F) SplitDouble<TVec, T, TOps>(TVec value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
    {
        const long sqrtHalfHighBits = 0x3FE6A09E00000000;
        var shifted = TOps.AddBits(value, TOps.CreateFromBits(0x3FF0000000000000 - sqrtHalfHighBits));
        var biased = TOps.Or(TOps.ShiftRightLogicalBits(shifted, 52), TOps.CreateFromBits(0x4330000000000000));
        var k = TOps.Subtract(biased, C<TVec, T, TOps>(4503599627370496.0 + 1023.0));
        var mantissa = TOps.AddBits(TOps.And(shifted, TOps.CreateFromBits(0x000FFFFFFFFFFFFF)), TOps.CreateFromBits(sqrtHalfHighBits));
        return (k, TOps.Subtract(mantissa, C<TVec, T, TOps>(1.0)));
    }

    /// <summary>fdlibm's log kernel: k ln2 + log(1 + f) + correction, with |f| ≤ 0.415.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogReducedDouble<TVec, T, TOps>(TVec k, TVec f, TVec correction)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
    {
        var s = TOps.Divide(f, TOps.Add(C<TVec, T, TOps>(2.0), f));
        var z = TOps.Multiply(s, s);
        var p = C<TVec, T, TOps>(1.479819860511658591e-01);
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(1.531383769920937332e-01));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(1.818357216161805012e-01));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(2.222219843214978396e-01));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(2.857142874366239149e-01));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(3.999999999940941908e-01));
        p = TOps.MultiplyAdd(p, z, C<TVec, T, TOps>(6.666666666666735130e-01));
        var r = TOps.Multiply(z, p);
        var hfsq = TOps.Multiply(TOps.Multiply(C<TVec, T, TOps>(0.5), f), f);
        var low = TOps.MultiplyAdd(k, C<TVec, T, TOps>(1.90821492927058770002e-10), correction);
        var tail = TOps.Subtract(hfsq, TOps.MultiplyAdd(s, TOps.Add(hfsq, r), low));
        return TOps.MultiplyAdd(k, C<TVec, T, TOps>(6.93147180369123816490e-01), TOps.Negate(TOps.Subtract(tail, f)));
    }

    /// <summary>A constant in the element type (rounded to nearest for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec C<TVec, T, TOps>(double value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
        => TOps.Create(T.CreateTruncating(value));

    /// <summary>An exp polynomial coefficient pre-scaled by 2^-64 (exact: only the exponent changes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec S<TVec, T, TOps>(double value)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdOps<TVec, T>
        => TOps.Create(T.CreateTruncating(value) * T.CreateTruncating(TwoToMinus64));
}
