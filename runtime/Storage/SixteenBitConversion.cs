using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FocalAot.Simd;

namespace FocalAot.Storage;

/// <summary>
/// <see cref="Half"/> and <see cref="BFloat16"/> blocks to float and back at the kernel's width: whole vectors with
/// <typeparamref name="TOps"/>, the remainder with <see cref="ScalarOps{T}"/>, both running one sequence of lane
/// operations, so the bits are those of the types' own scalar conversions whatever the width or wherever a block ends.
/// Inlined into the block loop, with no hardware 16-bit conversions in .NET 10 (F16C), they cost less than a library
/// call per block.
/// </summary>
internal static unsafe class SixteenBitConversion<TVec, T, TOps>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
{
    /// <summary>Widens <paramref name="length"/> <see cref="Half"/> or <see cref="BFloat16"/> values (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen<TStorage>(TStorage* source, int length, Span<T> destination)
        where TStorage : unmanaged
    {
        ref readonly var bits = ref *(ushort*)source;
        ref var values = ref MemoryMarshal.GetReference(destination[..length]);
        var i = 0;
        for (; i <= length - TOps.Count; i += TOps.Count)
            TOps.Store(Widen<TStorage, TVec, TOps>(TOps.LoadInt16Bits(in bits, (nuint)i)), ref values, (nuint)i);
        for (; i < length; i++)
            ScalarOps<T>.Store(Widen<TStorage, T, ScalarOps<T>>(ScalarOps<T>.LoadInt16Bits(in bits, (nuint)i)), ref values, (nuint)i);
    }

    /// <summary>Rounds <paramref name="length"/> values of <paramref name="source"/> once to <see cref="Half"/> or <see cref="BFloat16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Narrow<TStorage>(ReadOnlySpan<T> source, int length, TStorage* destination)
        where TStorage : unmanaged
    {
        ref readonly var values = ref MemoryMarshal.GetReference(source[..length]);
        ref var bits = ref *(ushort*)destination;
        var i = 0;
        for (; i <= length - TOps.Count; i += TOps.Count)
            TOps.StoreUInt16Bits(Narrow<TStorage, TVec, TOps>(TOps.Load(in values, (nuint)i)), ref bits, (nuint)i);
        for (; i < length; i++)
            ScalarOps<T>.StoreUInt16Bits(Narrow<TStorage, T, ScalarOps<T>>(ScalarOps<T>.Load(in values, (nuint)i)), ref bits, (nuint)i);
    }

    /// <summary>
    /// The least magnitude of a <see cref="Half"/> ∞ or NaN as <see cref="LoadWidenedFinite"/> widens it; no finite Half
    /// reaches it (the largest is 65504).
    /// </summary>
    public const float HalfNonFiniteMagnitude = 65536f;

    /// <summary>
    /// One register of <see cref="Half"/> or <see cref="BFloat16"/> values widened, for a pass that widens as it reads:
    /// exact for every finite value and for bfloat16's ∞ and NaN, while a Half ∞ or NaN comes out finite, of magnitude at
    /// least <see cref="HalfNonFiniteMagnitude"/>. Three operations for Half instead of the exact sequence's compare
    /// and branch on every register: the caller tests the block once (a target there breaks [0, 1] anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LoadWidenedFinite<TStorage>(ref readonly TStorage source, nuint elementOffset)
        where TStorage : unmanaged
    {
        var bits = TOps.LoadInt16Bits(in Unsafe.As<TStorage, ushort>(ref Unsafe.AsRef(in source)), elementOffset);
        if (typeof(TStorage) != typeof(Half))
            return Widen<TStorage, TVec, TOps>(bits);

        // Shifted left by 13, the sign-extended bits hold the sign in bit 31, copies of it in bits 28 to 30 (cleared
        // here), and the exponent and mantissa under float's; the product by 2^112 (127 - 15) rescales them exactly.
        var signed = TOps.BitwiseAnd(TOps.ShiftLeftBits(bits, 13), TOps.CreateFromBits(0x8FFF_FFFF));
        return TOps.Multiply(signed, TOps.CreateFromBits((127L + 112) << 23));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes Widen<TStorage, TLanes, TLaneOps>(TLanes bits)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
        => typeof(TStorage) == typeof(Half) ? WidenHalf<TLanes, TLaneOps>(bits) : TLaneOps.ShiftLeftBits(bits, 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes Narrow<TStorage, TLanes, TLaneOps>(TLanes value)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
        => typeof(TStorage) == typeof(Half) ? RoundToHalf<TLanes, TLaneOps>(value) : RoundToBFloat16<TLanes, TLaneOps>(value);

    /// <summary>
    /// Half bits (sign-extended, so shifted left by 13 they carry the sign in the top bit and the exponent and mantissa
    /// under float's) to float: the exponent and mantissa multiplied by 2^112 (127 - 15), exact for normals and
    /// subnormals alike, then the sign put back; ∞ and NaN first get float's all-ones exponent, so the product keeps
    /// them (a NaN made quiet, as <c>(float)Half</c> does).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes WidenHalf<TLanes, TLaneOps>(TLanes bits)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
    {
        var shifted = TLaneOps.ShiftLeftBits(bits, 13);
        var exponentAndMantissa = TLaneOps.BitwiseAnd(shifted, TLaneOps.CreateFromBits(0x0FFF_FFFF));

        // ∞ and NaN are rare: a register holding one takes an extra select, tested for with a compare and a branch.
        if (TLaneOps.AnyLaneSet(TLaneOps.GreaterThanOrEqual(exponentAndMantissa, InfinityShifted<TLanes, TLaneOps>())))
            exponentAndMantissa = WithAllOnesExponent<TLanes, TLaneOps>(exponentAndMantissa);

        var magnitude = TLaneOps.Multiply(exponentAndMantissa, TLaneOps.CreateFromBits((127L + 112) << 23));
        return TLaneOps.BitwiseOr(magnitude, TLaneOps.BitwiseAnd(shifted, TLaneOps.CreateFromBits(0x8000_0000)));
    }

    /// <summary>
    /// Float to Half bits as <c>(Half)f</c> rounds: nearest, ties to even, ∞ from 65520 on (the magnitude is clamped
    /// there first, which rounds up to ∞); a NaN keeps its sign and leading payload bits and is made quiet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes RoundToHalf<TLanes, TLaneOps>(TLanes value)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
    {
        var magnitude = TLaneOps.Abs(value);
        var clamped = TLaneOps.Min(magnitude, TLaneOps.CreateFromBits(0x477F_F000));

        // Normal: rebias the exponent (15 - 127), add 0xFFF plus the kept mantissa's last bit, and truncate.
        var odd = TLaneOps.BitwiseAnd(TLaneOps.ShiftRightLogicalBits(clamped, 13), TLaneOps.CreateFromBits(1));
        var normal = TLaneOps.ShiftRightLogicalBits(
            TLaneOps.AddBits(TLaneOps.AddBits(clamped, TLaneOps.CreateFromBits(0xFFF - (112L << 23))), odd), 13);

        // Below 2^-14: adding 0.5 rounds at 2^-24, the subnormal spacing, and leaves the Half in the low bits.
        var oneHalf = TLaneOps.CreateFromBits(0x3F00_0000);
        var subnormal = TLaneOps.AddBits(TLaneOps.Add(clamped, oneHalf), TLaneOps.CreateFromBits(-0x3F00_0000));
        var finite = TLaneOps.ConditionalSelect(TLaneOps.LessThan(clamped, TLaneOps.CreateFromBits(0x3880_0000)), subnormal, normal);

        // NaN is rare: a register holding one takes an extra select, tested for with a compare and a branch.
        if (TLaneOps.AnyNaN(value))
            finite = WithHalfNaNs<TLanes, TLaneOps>(value, finite);

        var sign = TLaneOps.BitwiseAnd(TLaneOps.ShiftRightLogicalBits(value, 16), TLaneOps.CreateFromBits(0x8000));
        return TLaneOps.BitwiseOr(finite, sign);
    }

    /// <summary>
    /// The exponent field 31 of ∞ and NaN under float's: the lanes at or above it (compared as floats, which order these
    /// positive non-NaN patterns as integers would) are ∞ or NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes InfinityShifted<TLanes, TLaneOps>()
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
        => TLaneOps.CreateFromBits(0x0F80_0000);

    /// <summary>The ∞ and NaN lanes with float's all-ones exponent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes WithAllOnesExponent<TLanes, TLaneOps>(TLanes exponentAndMantissa)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
        => TLaneOps.ConditionalSelect(
            TLaneOps.GreaterThanOrEqual(exponentAndMantissa, InfinityShifted<TLanes, TLaneOps>()),
            TLaneOps.BitwiseOr(exponentAndMantissa, TLaneOps.CreateFromBits(0x7000_0000)),
            exponentAndMantissa);

    /// <summary>A NaN lane's Half: its leading payload bits under the all-ones exponent, made quiet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes WithHalfNaNs<TLanes, TLaneOps>(TLanes value, TLanes finite)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
    {
        var payload = TLaneOps.BitwiseAnd(TLaneOps.ShiftRightLogicalBits(TLaneOps.Abs(value), 13), TLaneOps.CreateFromBits(0x3FF));
        return TLaneOps.ConditionalSelect(TLaneOps.Equal(value, value), finite, TLaneOps.BitwiseOr(payload, TLaneOps.CreateFromBits(0x7E00)));
    }

    /// <summary><see cref="BFloat16.Narrow(uint)"/> per lane: nearest, ties to even; a NaN made quiet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes RoundToBFloat16<TLanes, TLaneOps>(TLanes value)
        where TLanes : struct
        where TLaneOps : ISimdOps<TLanes, T>
    {
        var upper = TLaneOps.ShiftRightLogicalBits(value, 16);
        var tiesToEven = TLaneOps.AddBits(TLaneOps.CreateFromBits(0x7FFF), TLaneOps.BitwiseAnd(upper, TLaneOps.CreateFromBits(1)));
        var rounded = TLaneOps.ShiftRightLogicalBits(TLaneOps.AddBits(value, tiesToEven), 16);
        var quietNaN = TLaneOps.BitwiseOr(upper, TLaneOps.CreateFromBits(0x40));
        return TLaneOps.ConditionalSelect(TLaneOps.Equal(value, value), rounded, quietNaN);
    }
}
