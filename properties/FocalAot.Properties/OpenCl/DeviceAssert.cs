using System.Globalization;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>Bit-for-bit comparison of stored elements of any of the four element types, NaN payloads included.</summary>
internal static class DeviceAssert
{
    public static void Identical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Identical(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
    }

    public static void Identical<T>(T expected, T actual, string what)
        where T : unmanaged
    {
        var (e, a) = (Stored.BitsOf(expected), Stored.BitsOf(actual));
        if (e != a)
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: CPU {expected} (0x{e:X}), device {actual} (0x{a:X})"));
    }
}
