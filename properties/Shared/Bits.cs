using System.Globalization;
using System.Numerics;

namespace FocalAot.Testing;

/// <summary>Bit-for-bit comparison of results, shared by the property suite and the generator tests.</summary>
/// <remarks>
/// <see cref="AssertSame{T}(T, T, string)"/> checks the promise of identical numbers: any NaN matches any NaN.
/// <see cref="AssertIdentical{T}(T, T, string)"/> checks every bit, NaN payload and sign included: for code emitted
/// from the same source, which must match exactly.
/// </remarks>
internal static class Bits
{
    /// <summary>The bits of a float (zero-extended) or a double.</summary>
    public static long Of<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToUInt32Bits(float.CreateTruncating(value))
            : BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));

    /// <summary>The same number: the same bits, or both NaN.</summary>
    public static bool Same<T>(T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Of(a) == Of(b) || (T.IsNaN(a) && T.IsNaN(b));

    public static void AssertSame<T>(T expected, T actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!Same(expected, actual))
            Fail(expected, actual, what);
    }

    public static void AssertSame<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!Same(expected[i], actual[i]))
                Fail(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
        }
    }

    public static void AssertIdentical<T>(T expected, T actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Of(expected) != Of(actual))
            Fail(expected, actual, what);
    }

    public static void AssertIdentical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (Of(expected[i]) != Of(actual[i]))
                Fail(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
        }
    }

    /// <summary>Distance in units in the last place (both finite and of the same sign, or equal).</summary>
    public static long UlpDistance<T>(T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a == b ? 0 : T.Sign(a) != T.Sign(b) ? long.MaxValue : Math.Abs(Of(a) - Of(b));

    private static void Fail<T>(T expected, T actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Xunit.Assert.Fail(string.Create(CultureInfo.InvariantCulture,
            $"{what}: expected {expected:R} (0x{Of(expected):X}), got {actual:R} (0x{Of(actual):X})"));
}
