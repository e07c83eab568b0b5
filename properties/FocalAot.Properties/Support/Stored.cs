using System.Globalization;
using System.Runtime.CompilerServices;
using Xunit;

namespace FocalAot.Properties.Support;

/// <summary>
/// Values of the four element types a call may store its data in (float, double, Half, BFloat16), read and written
/// through one generic face: conversions, bits and bit-for-bit comparison. Test plumbing only; the operations under
/// test are always called as <see cref="SigmoidFocalLoss"/> itself.
/// </summary>
internal static class Stored
{
    /// <summary>Whether <typeparamref name="T"/> is a 16-bit type (computed in float, each result rounded once).</summary>
    public static bool IsSixteenBit<T>() => typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    /// <summary>A double in <typeparamref name="T"/>: rounded once for float, double and Half; through float for BFloat16.</summary>
    public static T From<T>(double value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return (T)(object)(float)value;
        if (typeof(T) == typeof(double))
            return (T)(object)value;
        if (typeof(T) == typeof(Half))
            return (T)(object)(Half)value;
        if (typeof(T) == typeof(BFloat16))
            return (T)(object)(BFloat16)(float)value;
        throw new NotSupportedException(typeof(T).Name);
    }

    public static T[] From<T>(double[] values)
        where T : unmanaged
        => Array.ConvertAll(values, From<T>);

    /// <summary>A float rounded once to <typeparamref name="T"/> (<c>(Half)f</c>, <c>(BFloat16)f</c>); float and double exactly.</summary>
    public static T FromFloat<T>(float value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return (T)(object)value;
        if (typeof(T) == typeof(double))
            return (T)(object)(double)value;
        if (typeof(T) == typeof(Half))
            return (T)(object)(Half)value;
        if (typeof(T) == typeof(BFloat16))
            return (T)(object)(BFloat16)value;
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>The exact value of a stored element as a double.</summary>
    public static double ToDouble<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return (float)(object)value;
        if (typeof(T) == typeof(double))
            return (double)(object)value;
        if (typeof(T) == typeof(Half))
            return (double)(Half)(object)value;
        if (typeof(T) == typeof(BFloat16))
            return (float)(BFloat16)(object)value;
        throw new NotSupportedException(typeof(T).Name);
    }

    public static double[] ToDouble<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = ToDouble(values[i]);
        return result;
    }

    /// <summary>A 16-bit (or float) element widened to float, exactly.</summary>
    public static float ToFloat<T>(T value)
        where T : unmanaged
        => typeof(T) == typeof(double) ? throw new NotSupportedException("double does not widen to float") : (float)ToDouble(value);

    public static float[] ToFloat<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = ToFloat(values[i]);
        return result;
    }

    /// <summary>Each float rounded once to <typeparamref name="T"/>.</summary>
    public static T[] FromFloat<T>(ReadOnlySpan<float> values)
        where T : unmanaged
    {
        var result = new T[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = FromFloat<T>(values[i]);
        return result;
    }

    /// <summary>The bits of a stored element, zero-extended.</summary>
    public static ulong BitsOf<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return BitConverter.SingleToUInt32Bits((float)(object)value);
        if (typeof(T) == typeof(double))
            return BitConverter.DoubleToUInt64Bits((double)(object)value);
        if (typeof(T) == typeof(Half))
            return BitConverter.HalfToUInt16Bits((Half)(object)value);
        if (typeof(T) == typeof(BFloat16))
            return ((BFloat16)(object)value).RawValue;
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>The stored element with the given bits.</summary>
    public static T FromBits<T>(ulong bits)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return (T)(object)BitConverter.UInt32BitsToSingle((uint)bits);
        if (typeof(T) == typeof(double))
            return (T)(object)BitConverter.UInt64BitsToDouble(bits);
        if (typeof(T) == typeof(Half))
            return (T)(object)BitConverter.UInt16BitsToHalf((ushort)bits);
        if (typeof(T) == typeof(BFloat16))
            return (T)(object)BFloat16.FromRawValue((ushort)bits);
        throw new NotSupportedException(typeof(T).Name);
    }

    public static bool IsNaN<T>(T value)
        where T : unmanaged
        => double.IsNaN(ToDouble(value));

    /// <summary>The same number, as <see cref="Bits.Same{T}(T, T)"/>: the same bits, or both NaN.</summary>
    public static bool Same<T>(T a, T b)
        where T : unmanaged
        => BitsOf(a) == BitsOf(b) || (IsNaN(a) && IsNaN(b));

    public static void AssertSame<T>(T expected, T actual, string what)
        where T : unmanaged
    {
        if (!Same(expected, actual))
            Fail(expected, actual, what);
    }

    public static void AssertSame<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!Same(expected[i], actual[i]))
                Fail(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
        }
    }

    /// <summary>Every element exactly +0 where <paramref name="weights"/> is 0 (an ignored element).</summary>
    public static void AssertPositiveZeroWhereWeightIsZero<T>(ReadOnlySpan<T> actual, ReadOnlySpan<double> weights, ReadOnlySpan<T> logits,
        string what)
        where T : unmanaged
    {
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0 && BitsOf(actual[i]) != 0)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{what}[{i}] = {ToDouble(actual[i]):R} (0x{BitsOf(actual[i]):X}) at weight 0 (x = {ToDouble(logits[i]):R}); expected +0"));
            }
        }
    }

    /// <summary>The largest finite value of <typeparamref name="T"/>.</summary>
    public static double MaxValue<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return float.MaxValue;
        if (typeof(T) == typeof(double))
            return double.MaxValue;
        if (typeof(T) == typeof(Half))
            return (double)Half.MaxValue;
        return (float)BFloat16.FromRawValue(0x7F7F);
    }

    /// <summary>
    /// The gap between a finite stored <paramref name="value"/> and its neighbour towards <paramref name="toward"/>
    /// (its spacing there; at the largest finite value, the spacing below it, the gap to the rounding threshold being half that).
    /// </summary>
    public static double SpacingToward<T>(T value, double toward)
        where T : unmanaged
    {
        var v = ToDouble(value);
        var bits = BitsOf(value);
        var mask = (1UL << ((Unsafe.SizeOf<T>() * 8) - 1)) - 1;
        var magnitude = bits & mask;
        if (magnitude == 0)
            return ToDouble(FromBits<T>(1));  // the smallest subnormal, either way
        var magnitudeUp = (toward > v) == (v > 0);
        var neighbour = ToDouble(FromBits<T>((bits & ~mask) | (magnitudeUp ? magnitude + 1 : magnitude - 1)));
        if (double.IsInfinity(neighbour))
            neighbour = ToDouble(FromBits<T>((bits & ~mask) | (magnitude - 1)));
        return Math.Abs(neighbour - v);
    }


    private static void Fail<T>(T expected, T actual, string what)
        where T : unmanaged
        => Assert.Fail(string.Create(CultureInfo.InvariantCulture,
            $"{what}: expected {ToDouble(expected):R} (0x{BitsOf(expected):X}), got {ToDouble(actual):R} (0x{BitsOf(actual):X})"));
}
