using System.Globalization;
using System.Numerics;
using Xunit;

namespace FocalAot.Properties.Support;

/// <summary>Bit-for-bit comparison of results (any NaN matches any NaN: only the promise of identical numbers is tested).</summary>
internal static class Bits
{
    public static long Of<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits(float.CreateTruncating(value))
            : BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));

    public static bool Same<T>(T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Of(a) == Of(b) || (T.IsNaN(a) && T.IsNaN(b));

    public static void AssertSame<T>(T expected, T actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!Same(expected, actual))
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R} (0x{Of(expected):X}), got {actual:R} (0x{Of(actual):X})"));
    }

    public static void AssertSame<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!Same(expected[i], actual[i]))
                AssertSame(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
        }
    }

    /// <summary>Distance in units in the last place (both finite and of the same sign, or equal).</summary>
    public static long UlpDistance<T>(T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a == b ? 0 : T.Sign(a) != T.Sign(b) ? long.MaxValue : Math.Abs(Of(a) - Of(b));
}
