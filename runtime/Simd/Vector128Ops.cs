using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FocalAot.Numerics;

namespace FocalAot.Simd;

/// <summary>128-bit lanes (SSE on x64, NEON on arm64).</summary>
internal readonly struct Vector128Ops<T> : ISimdOps<Vector128<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> CreateFromBits(long bits)
        => typeof(T) == typeof(float)
            ? Vector128.Create(unchecked((int)bits)).As<int, T>()
            : Vector128.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref readonly T source, nuint elementOffset)
        => Vector128.LoadUnsafe(in source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint elementOffset)
        => value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> left, Vector128<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> left, Vector128<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> left, Vector128<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> left, Vector128<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        // MultiplyAddMode's test written out, so the JIT folds it as it imports this method: a software FMA call left in
        // a dead branch would keep every operand of the kernels on the stack.
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return (a * b) + c;
        if (typeof(T) == typeof(float))
            return Vector128.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector128.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAddNegated(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return c - (a * b);
        if (!Fma.IsSupported)
            return MultiplyAdd(-a, b, c);
        if (typeof(T) == typeof(float))
            return Fma.MultiplyAddNegated(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Fma.MultiplyAddNegated(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Negate(Vector128<T> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> value) => Vector128.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> left, Vector128<T> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> left, Vector128<T> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThanOrEqual(Vector128<T> left, Vector128<T> right)
        => Vector128.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThan(Vector128<T> left, Vector128<T> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThanOrEqual(Vector128<T> left, Vector128<T> right)
        => Vector128.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Equal(Vector128<T> left, Vector128<T> right) => Vector128.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ConditionalSelect(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse)
        => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SelectBySign(Vector128<T> value, Vector128<T> whenSignSet, Vector128<T> whenSignClear)
        => Vector128.ConditionalSelect(Vector128.IsNegative(value), whenSignSet, whenSignClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> BitwiseOr(Vector128<T> left, Vector128<T> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> BitwiseAnd(Vector128<T> left, Vector128<T> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AndNot(Vector128<T> left, Vector128<T> right) => Vector128.AndNot(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLaneSet(Vector128<T> mask) => mask.ExtractMostSignificantBits() != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNaN(Vector128<T> value) => !Vector128.EqualsAll(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector128<T> value)
    {
        // A shuffle tree: a compare-and-branch per lane would mispredict on every row of random logits.
        if (typeof(T) == typeof(float))
        {
            var single = value.AsSingle();
            single = Vector128.MaxNative(single, Vector128.Shuffle(single, Vector128.Create(2, 3, 0, 1)));
            single = Vector128.MaxNative(single, Vector128.Shuffle(single, Vector128.Create(1, 0, 3, 2)));
            return single.As<float, T>().ToScalar();
        }

        var pair = value.AsDouble();
        return Vector128.MaxNative(pair, Vector128.Shuffle(pair, Vector128.Create(1L, 0L))).As<double, T>().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(Vector128<T> mask) => BitOperations.PopCount(mask.ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftLeftBits(Vector128<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector128.ShiftLeft(value.As<T, int>(), count).As<int, T>()
            : Vector128.ShiftLeft(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftRightLogicalBits(Vector128<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector128.ShiftRightLogical(value.As<T, int>(), count).As<int, T>()
            : Vector128.ShiftRightLogical(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadInt16Bits(ref readonly ushort source, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();
        return Vector128.WidenLower(Vector64.LoadUnsafe(in source, elementOffset).AsInt16().ToVector128Unsafe()).As<int, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt16Bits(Vector128<T> bits, ref ushort destination, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();
        Vector128.Narrow(bits.As<T, uint>(), Vector128<uint>.Zero).GetLower().StoreUnsafe(ref destination, elementOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PowerInDouble(Vector128<T> value, double exponent)
    {
        var gamma = Vector128.Create(exponent);
        if (typeof(T) == typeof(double))
            return Elementary.Power<Vector128<double>, Vector128Ops<double>>(value.As<T, double>(), gamma).As<double, T>();

        var (lower, upper) = Vector128.Widen(value.As<T, float>());
        return Vector128.Narrow(
            Elementary.Power<Vector128<double>, Vector128Ops<double>>(lower, gamma),
            Elementary.Power<Vector128<double>, Vector128Ops<double>>(upper, gamma)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddBits(Vector128<T> left, Vector128<T> right)
        => typeof(T) == typeof(float)
            ? (left.As<T, int>() + right.As<T, int>()).As<int, T>()
            : (left.As<T, long>() + right.As<T, long>()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MaxUInt32Parts(Vector128<T> left, Vector128<T> right)
        => Vector128.Max(left.As<T, uint>(), right.As<T, uint>()).As<uint, T>();
}
