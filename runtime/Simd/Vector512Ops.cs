using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FocalAot.Numerics;

namespace FocalAot.Simd;

/// <summary>512-bit lanes (AVX-512).</summary>
internal readonly struct Vector512Ops<T> : ISimdOps<Vector512<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> CreateFromBits(long bits)
        => typeof(T) == typeof(float)
            ? Vector512.Create(unchecked((int)bits)).As<int, T>()
            : Vector512.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref readonly T source, nuint elementOffset)
        => Vector512.LoadUnsafe(in source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint elementOffset)
        => value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> left, Vector512<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> left, Vector512<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> left, Vector512<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> left, Vector512<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        // MultiplyAddMode's test written out, so the JIT folds it as it imports this method (see Vector128Ops).
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return (a * b) + c;
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAddNegated(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return c - (a * b);
        if (!Avx512F.IsSupported)
            return MultiplyAdd(-a, b, c);
        if (typeof(T) == typeof(float))
            return Avx512F.FusedMultiplyAddNegated(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Avx512F.FusedMultiplyAddNegated(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> value) => Vector512.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> left, Vector512<T> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> left, Vector512<T> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThanOrEqual(Vector512<T> left, Vector512<T> right)
        => Vector512.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> left, Vector512<T> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThanOrEqual(Vector512<T> left, Vector512<T> right)
        => Vector512.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Equal(Vector512<T> left, Vector512<T> right) => Vector512.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ConditionalSelect(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse)
        => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SelectBySign(Vector512<T> value, Vector512<T> whenSignSet, Vector512<T> whenSignClear)
        => Vector512.ConditionalSelect(Vector512.IsNegative(value), whenSignSet, whenSignClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> BitwiseOr(Vector512<T> left, Vector512<T> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> BitwiseAnd(Vector512<T> left, Vector512<T> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AndNot(Vector512<T> left, Vector512<T> right) => Vector512.AndNot(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLaneSet(Vector512<T> mask) => mask.ExtractMostSignificantBits() != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNaN(Vector512<T> value) => !Vector512.EqualsAll(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector512<T> value) => Vector256Ops<T>.MaxAcross(Vector256.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(Vector512<T> mask) => BitOperations.PopCount(mask.ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftLeftBits(Vector512<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector512.ShiftLeft(value.As<T, int>(), count).As<int, T>()
            : Vector512.ShiftLeft(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftRightLogicalBits(Vector512<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector512.ShiftRightLogical(value.As<T, int>(), count).As<int, T>()
            : Vector512.ShiftRightLogical(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadInt16Bits(ref readonly ushort source, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();

        // vpmovsxwd takes its operand from memory: one instruction where widening a loaded register takes two.
        var halves = Vector256.LoadUnsafe(in source, elementOffset).AsInt16();
        return Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Int32(halves).As<int, T>()
            : Vector512.WidenLower(halves.ToVector512Unsafe()).As<int, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt16Bits(Vector512<T> bits, ref ushort destination, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();

        // The lanes hold 16-bit values, so truncating each to its low half (one vpmovdw) is the narrowing.
        var halves = Avx512F.IsSupported
            ? Avx512F.ConvertToVector256UInt16(bits.As<T, uint>())
            : Vector512.Narrow(bits.As<T, uint>(), Vector512<uint>.Zero).GetLower();
        halves.StoreUnsafe(ref destination, elementOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PowerInDouble(Vector512<T> value, double exponent)
    {
        var gamma = Vector512.Create(exponent);
        if (typeof(T) == typeof(double))
            return Elementary.Power<Vector512<double>, Vector512Ops<double>>(value.As<T, double>(), gamma).As<double, T>();

        var (lower, upper) = Vector512.Widen(value.As<T, float>());
        return Vector512.Narrow(
            Elementary.Power<Vector512<double>, Vector512Ops<double>>(lower, gamma),
            Elementary.Power<Vector512<double>, Vector512Ops<double>>(upper, gamma)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddBits(Vector512<T> left, Vector512<T> right)
        => typeof(T) == typeof(float)
            ? (left.As<T, int>() + right.As<T, int>()).As<int, T>()
            : (left.As<T, long>() + right.As<T, long>()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxUInt32Parts(Vector512<T> left, Vector512<T> right)
        => Vector512.Max(left.As<T, uint>(), right.As<T, uint>()).As<uint, T>();
}
