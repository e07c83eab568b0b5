using System.Globalization;
using System.Numerics;

namespace FocalAot.Generator.Tests.Support;

/// <summary>Bit-for-bit comparison of results.</summary>
internal static class Bits
{
    public static long Of<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToUInt32Bits(float.CreateTruncating(value))
            : BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));

    public static void AssertSame<T>(T expected, T actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Of(expected) != Of(actual))
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R} (0x{Of(expected):X}), got {actual:R} (0x{Of(actual):X})"));
    }

    public static void AssertSame<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            AssertSame(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
    }
}
