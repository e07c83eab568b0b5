using System.Globalization;

namespace FocalAot.OpenCl.Rendering;

/// <summary>Exact OpenCL C literals: C99 hexadecimal floating point, so no decimal rounding stands between the .NET
/// constant and the device's.</summary>
internal static class ClLiterals
{
    /// <summary>A float literal of <paramref name="value"/> (exactly representable as float).</summary>
    public static string Single(float value) => float.IsPositiveInfinity(value) ? "INFINITY" : Hex(value) + "f";

    /// <summary>A double literal of <paramref name="value"/>.</summary>
    public static string Double(double value) => double.IsPositiveInfinity(value) ? "((double)INFINITY)" : Hex(value);

    /// <summary>The low 32 bits as a uint literal.</summary>
    public static string Bits32(long bits) => "0x" + ((uint)bits).ToString("X8", CultureInfo.InvariantCulture) + "u";

    /// <summary>The 64 bits as a ulong literal.</summary>
    public static string Bits64(long bits) => "0x" + ((ulong)bits).ToString("X16", CultureInfo.InvariantCulture) + "ul";

    private static string Hex(double value)
    {
        if (value == 0)
            return BitConverter.DoubleToInt64Bits(value) < 0 ? "-0x0p+0" : "0x0p+0";
        var bits = BitConverter.DoubleToInt64Bits(value);
        var sign = bits < 0 ? "-" : string.Empty;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        var lead = exponent == 0 ? 0 : 1;
        var power = exponent == 0 ? -1022 : exponent - 1023;
        var fraction = mantissa.ToString("x13", CultureInfo.InvariantCulture).TrimEnd('0');
        return sign + "0x" + lead.ToString(CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : string.Empty)
            + "p" + power.ToString("+0;-0", CultureInfo.InvariantCulture);
    }
}
