using System.Runtime.CompilerServices;

namespace FocalAot;

/// <summary>
/// A bfloat16 value: the upper 16 bits of an IEEE-754 binary32 (1 sign bit, 8 exponent bits, 7 fraction bits), the
/// storage type of many training stacks (torch.bfloat16). .NET has no such type; this one only stores and converts:
/// the kernels compute in <see cref="float"/> and round each result once to bfloat16.
/// </summary>
/// <remarks>
/// Widening to float is exact. Narrowing rounds to nearest, ties to even; a NaN stays a quiet NaN of the same sign.
/// The layout is exactly 16 bits, so a <c>ReadOnlySpan&lt;BFloat16&gt;</c> can be made from any bfloat16 buffer
/// (a torch tensor's storage, a <c>ushort[]</c>) with <see cref="System.Runtime.InteropServices.MemoryMarshal.Cast{TFrom, TTo}(Span{TFrom})"/>.
/// </remarks>
[System.Diagnostics.DebuggerDisplay("{(float)this}")]
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>The 16 stored bits.</summary>
    public ushort RawValue { get; }

    /// <summary>The value whose bits are <paramref name="bits"/>.</summary>
    /// <param name="bits">The upper 16 bits of a binary32.</param>
    /// <returns>The bfloat16 with those bits.</returns>
    public static BFloat16 FromRawValue(ushort bits) => new(bits);

    /// <summary>Widens to float exactly.</summary>
    /// <param name="value">The bfloat16 value.</param>
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value.RawValue << 16);

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even); NaN stays a quiet NaN of the same sign.</summary>
    /// <param name="value">The float value.</param>
    public static explicit operator BFloat16(float value) => new(Narrow(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Rounds a binary32 bit pattern to bfloat16 bits: nearest, ties to even; NaN made quiet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort Narrow(uint bits)
        => (bits & 0x7FFF_FFFF) > 0x7F80_0000
            ? (ushort)((bits >> 16) | 0x0040)
            : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);

    /// <summary>Equality as <see cref="float.Equals(float)"/> defines it: +0 equals -0, and a NaN equals any NaN.</summary>
    /// <param name="other">The value to compare with.</param>
    /// <returns>Whether the two are equal.</returns>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Numeric equality, as for float: +0 == -0, and NaN == NaN is false.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <summary>Numeric inequality, as for float.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;
}
