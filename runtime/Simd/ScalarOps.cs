using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FocalAot.Numerics;

namespace FocalAot.Simd;

/// <summary>One element at a time: the reference width every vector width must match bit for bit.</summary>
internal readonly struct ScalarOps<T> : ISimdOps<T, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CreateFromBits(long bits) => FromBits(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref readonly T source, nuint elementOffset) => Unsafe.Add(ref Unsafe.AsRef(in source), elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint elementOffset) => Unsafe.Add(ref destination, elementOffset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T left, T right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T left, T right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T left, T right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T left, T right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c)
    {
        // MultiplyAddMode's test written out, so the JIT folds it as it imports this method (see Vector128Ops).
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return (a * b) + c;
        return T.FusedMultiplyAdd(a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAddNegated(T a, T b, T c)
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return c - (a * b);
        return T.FusedMultiplyAdd(-a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T value) => T.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T value) => T.Sqrt(value);

    // x86 maxss/minss semantics (the second operand when the first does not compare greater/less); on x64 the
    // instruction itself, so a data-dependent choice is no branch to mispredict.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T left, T right)
        => Sse.IsSupported ? Vector128.MaxNative(Lane(left), Lane(right)).ToScalar() : left > right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T left, T right)
        => Sse.IsSupported ? Vector128.MinNative(Lane(left), Lane(right)).ToScalar() : left < right ? left : right;

    // Masks and selects as the vector widths form them (a compare's all-ones or zero, a bitwise select), in one lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThanOrEqual(T left, T right)
        => Vector128.IsHardwareAccelerated ? Vector128.GreaterThanOrEqual(Lane(left), Lane(right)).ToScalar() : Mask(left >= right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThan(T left, T right)
        => Vector128.IsHardwareAccelerated ? Vector128.LessThan(Lane(left), Lane(right)).ToScalar() : Mask(left < right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThanOrEqual(T left, T right)
        => Vector128.IsHardwareAccelerated ? Vector128.LessThanOrEqual(Lane(left), Lane(right)).ToScalar() : Mask(left <= right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Equal(T left, T right)
        => Vector128.IsHardwareAccelerated ? Vector128.Equals(Lane(left), Lane(right)).ToScalar() : Mask(left == right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ConditionalSelect(T mask, T whenTrue, T whenFalse)
        => Vector128.IsHardwareAccelerated
            ? Vector128.ConditionalSelect(Lane(mask), Lane(whenTrue), Lane(whenFalse)).ToScalar()
            : FromBits((ToBits(mask) & ToBits(whenTrue)) | (~ToBits(mask) & ToBits(whenFalse)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SelectBySign(T value, T whenSignSet, T whenSignClear)
        => Vector128.IsHardwareAccelerated
            ? Vector128.ConditionalSelect(Vector128.IsNegative(Lane(value)), Lane(whenSignSet), Lane(whenSignClear)).ToScalar()
            : T.IsNegative(value) ? whenSignSet : whenSignClear;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BitwiseOr(T left, T right) => FromBits(ToBits(left) | ToBits(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BitwiseAnd(T left, T right) => FromBits(ToBits(left) & ToBits(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AndNot(T left, T right) => FromBits(ToBits(left) & ~ToBits(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLaneSet(T mask) => ToBits(mask) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNaN(T value) => T.IsNaN(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(T mask) => ToBits(mask) != 0 ? 1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftLeftBits(T value, int count) => FromBits(ToBits(value) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftRightLogicalBits(T value, int count)
        => typeof(T) == typeof(float)
            ? FromBits((long)((uint)ToBits(value) >> count))
            : FromBits((long)((ulong)ToBits(value) >> count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LoadInt16Bits(ref readonly ushort source, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();
        return FromBits((short)Unsafe.Add(ref Unsafe.AsRef(in source), elementOffset));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt16Bits(T bits, ref ushort destination, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();
        Unsafe.Add(ref destination, elementOffset) = (ushort)ToBits(bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxUInt32Parts(T left, T right)
    {
        var (a, b) = ((ulong)ToBits(left), (ulong)ToBits(right));
        var high = Math.Max(a >> 32, b >> 32);
        var low = Math.Max((uint)a, (uint)b);
        return FromBits((long)((high << 32) | low));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddBits(T left, T right) => FromBits(ToBits(left) + ToBits(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PowerInDouble(T value, double exponent)
        => T.CreateTruncating(Elementary.Power<double, ScalarOps<double>>(double.CreateTruncating(value), exponent));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Mask(bool condition) => condition ? FromBits(-1) : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Lane(T value) => Vector128.CreateScalarUnsafe(value);

    // float uses the low 32 bits; arithmetic wraps at the element width as in the vector widths.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToBits(T value)
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits(Unsafe.BitCast<T, float>(value))
            : BitConverter.DoubleToInt64Bits(Unsafe.BitCast<T, double>(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FromBits(long bits)
        => typeof(T) == typeof(float)
            ? Unsafe.BitCast<float, T>(BitConverter.Int32BitsToSingle(unchecked((int)bits)))
            : Unsafe.BitCast<double, T>(BitConverter.Int64BitsToDouble(bits));
}
