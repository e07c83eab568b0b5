using System.Globalization;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The BFloat16 conversions against a reference written from the format's definition (1 sign bit, 8 exponent bits with
/// bias 127, 7 fraction bits; subnormals below exponent 1; ±∞ and NaN at exponent 255): widening checked on all 65,536
/// values, narrowing by round to nearest, ties to even, found by search among the values themselves, on every float next
/// to a bfloat16 value or halfway between two, and on random floats. NaN stays a quiet NaN of its sign.
/// </summary>
public sealed class BFloat16Tests
{
    /// <summary>Every non-negative finite bfloat16 value in increasing order (index = its bits), from the definition.</summary>
    private static readonly double[] Magnitudes = Enumerable.Range(0, 0x7F80).Select(bits => Decode((ushort)bits)).ToArray();

    [Fact]
    public void Every_bfloat16_value_widens_exactly()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var value = BFloat16.FromRawValue((ushort)bits);
            Assert.Equal((ushort)bits, value.RawValue);
            var widened = (float)value;
            var expected = Decode((ushort)bits);
            if (double.IsNaN(expected))
            {
                // NaN widens to the NaN with the same sign and payload: the same 16 bits on top.
                Assert.True(float.IsNaN(widened), Hex($"0x{bits:X4} widened to {widened:R}, expected NaN"));
                Assert.Equal((uint)bits << 16, BitConverter.SingleToUInt32Bits(widened));
                continue;
            }

            Assert.True(expected.Equals((double)widened), Hex($"0x{bits:X4} widened to {widened:R}, expected {expected:R}"));
            Assert.Equal(double.IsNegative(expected), float.IsNegative(widened));  // -0 stays -0
        }
    }

    [Fact]
    public void Floats_next_to_and_between_bfloat16_values_round_to_nearest_even()
    {
        // For each of the 65,536 upper halves: the exact value, the floats around the halfway point, and the ends.
        uint[] lowerHalves = [0x0000, 0x0001, 0x3FFF, 0x7FFE, 0x7FFF, 0x8000, 0x8001, 0xC000, 0xFFFE, 0xFFFF];
        for (uint upper = 0; upper <= ushort.MaxValue; upper++)
        {
            foreach (var lower in lowerHalves)
                AssertNarrows(BitConverter.UInt32BitsToSingle((upper << 16) | lower));
        }
    }

    [Fact]
    public void Random_floats_round_to_nearest_even()
    {
        var random = new Random(0xBF16);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 1_000_000; i++)
        {
            random.NextBytes(bytes);
            AssertNarrows(BitConverter.ToSingle(bytes));
        }
    }

    [Theory]
    [InlineData(0x7FC0_0000u)]  // the canonical quiet NaN
    [InlineData(0xFFC0_0000u)]  // negative quiet NaN
    [InlineData(0x7F80_0001u)]  // signalling, payload only in the low half
    [InlineData(0xFF80_0001u)]
    [InlineData(0x7FBF_FFFFu)]  // signalling, largest payload
    [InlineData(0x7FFF_FFFFu)]  // quiet, payload that would carry into the exponent if rounded
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(0x7F81_0000u)]
    public void NaN_stays_a_quiet_NaN_of_its_sign(uint bits)
    {
        var narrowed = (BFloat16)BitConverter.UInt32BitsToSingle(bits);
        AssertQuietNaN(narrowed.RawValue, bits);
    }

    [Fact]
    public void Infinities_zeros_and_the_edges_of_the_range()
    {
        Assert.Equal(0x7F80, ((BFloat16)float.PositiveInfinity).RawValue);
        Assert.Equal(0xFF80, ((BFloat16)float.NegativeInfinity).RawValue);
        Assert.Equal(0x0000, ((BFloat16)0f).RawValue);
        Assert.Equal(0x8000, ((BFloat16)(-0f)).RawValue);
        Assert.Equal(0x7F80, ((BFloat16)float.MaxValue).RawValue);   // above the largest bfloat16's rounding threshold
        Assert.Equal(0x7F7F, ((BFloat16)3.3895314e38f).RawValue);   // the largest finite bfloat16
        Assert.Equal(0x0000, ((BFloat16)float.Epsilon).RawValue);    // far below half the smallest subnormal
        Assert.Equal(0x0001, ((BFloat16)9.18355e-41f).RawValue);     // the smallest subnormal, 2^-133
        Assert.Equal(0x0080, ((BFloat16)1.17549435e-38f).RawValue);  // the smallest normal, 2^-126
        Assert.Equal(0x3F80, ((BFloat16)1f).RawValue);
        Assert.Equal(0x3F80, ((BFloat16)1.00390625f).RawValue);      // 1 + 2^-8, a tie: to even (1)
        Assert.Equal(0x3F82, ((BFloat16)1.01171875f).RawValue);      // 1 + 3·2^-8, a tie: to even (1 + 2^-6)
    }

    /// <summary>Numeric equality, as the operators document: +0 == -0, NaN != NaN; equal values hash alike.</summary>
    [Fact]
    public void Equality_is_numeric()
    {
        var zero = BFloat16.FromRawValue(0x0000);
        var negativeZero = BFloat16.FromRawValue(0x8000);
        var nan = BFloat16.FromRawValue(0x7FC0);
        var otherNaN = BFloat16.FromRawValue(0x7FC0);
        Assert.True(zero == negativeZero);
        Assert.Equal(zero.GetHashCode(), negativeZero.GetHashCode());
        Assert.False(nan == otherNaN);
        Assert.True(nan != otherNaN);
        Assert.True((BFloat16)1.5f == BFloat16.FromRawValue(0x3FC0));
        Assert.Equal("1.5", ((BFloat16)1.5f).ToString());
        Assert.Equal("-3.3895314E+38", BFloat16.FromRawValue(0xFF7F).ToString());
    }

    /// <summary>
    /// <c>Equals</c> of a NaN with itself is true for float, double and Half (what hash sets and Assert.Equal rely on),
    /// and so it is for BFloat16 (while <c>==</c> stays IEEE: NaN == NaN is false).
    /// </summary>
    [Fact]
    public void A_NaN_equals_itself_as_for_float()
    {
        var nan = (BFloat16)float.NaN;
        Assert.True(float.NaN.Equals(float.NaN) && Half.NaN.Equals(Half.NaN));
        Assert.True(nan.Equals(nan));
        Assert.Contains(nan, new HashSet<BFloat16> { nan });
        var other = (BFloat16)float.NaN;
        Assert.False(nan == other);
    }

    private static void AssertNarrows(float value)
    {
        var narrowed = ((BFloat16)value).RawValue;
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            AssertQuietNaN(narrowed, bits);
            return;
        }

        var expected = Nearest(value);
        if (narrowed != expected)
            Assert.Fail(Hex($"{value:R} (0x{bits:X8}) narrowed to 0x{narrowed:X4}, expected 0x{expected:X4}"));
    }

    private static void AssertQuietNaN(ushort narrowed, uint bits)
    {
        Assert.True((narrowed & 0x7F80) == 0x7F80 && (narrowed & 0x0040) != 0,
            Hex($"NaN 0x{bits:X8} narrowed to 0x{narrowed:X4}, not a quiet NaN"));
        Assert.True((narrowed & 0x8000) == (bits >> 16 & 0x8000), Hex($"NaN 0x{bits:X8} narrowed to 0x{narrowed:X4}: sign lost"));
    }

    /// <summary>The value of bfloat16 bits by the definition: (-1)^s · 2^(e-127) · 1.f, or 2^-126 · 0.f for e = 0.</summary>
    private static double Decode(ushort bits)
    {
        var sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
        var exponent = (bits >> 7) & 0xFF;
        var fraction = bits & 0x7F;
        if (exponent == 0xFF)
            return fraction == 0 ? sign * double.PositiveInfinity : double.NaN;
        return exponent == 0
            ? sign * Math.ScaleB(fraction / 128.0, -126)
            : sign * Math.ScaleB(1 + (fraction / 128.0), exponent - 127);
    }

    /// <summary>
    /// The bfloat16 nearest a finite float, by value: the two values around |x| found by binary search, the nearer one,
    /// on a tie the one with an even last fraction bit. Past the largest value, the next value up is 2^128 (∞).
    /// </summary>
    private static ushort Nearest(float value)
    {
        var magnitude = Math.Abs((double)value);
        var sign = float.IsNegative(value) ? 0x8000 : 0;
        var index = Array.BinarySearch(Magnitudes, magnitude);
        if (index >= 0)
            return (ushort)(sign | index);

        var above = ~index;                   // the first value greater than |x|; 0x7F80 stands for ∞
        var below = above - 1;
        var upper = above < Magnitudes.Length ? Magnitudes[above] : Math.ScaleB(1.0, 128);
        var toBelow = magnitude - Magnitudes[below];
        var toAbove = upper - magnitude;
        var chosen = toBelow < toAbove ? below : toAbove < toBelow ? above : (below % 2 == 0 ? below : above);
        return (ushort)(sign | chosen);
    }

    private static string Hex(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
