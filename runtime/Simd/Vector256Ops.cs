using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FocalAot.Numerics;

namespace FocalAot.Simd;

/// <summary>256-bit lanes (AVX2 + FMA on x64).</summary>
internal readonly struct Vector256Ops<T> : ISimdOps<Vector256<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> CreateFromBits(long bits)
        => typeof(T) == typeof(float)
            ? Vector256.Create(unchecked((int)bits)).As<int, T>()
            : Vector256.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref readonly T source, nuint elementOffset)
        => Vector256.LoadUnsafe(in source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint elementOffset)
        => value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> left, Vector256<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> left, Vector256<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> left, Vector256<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> left, Vector256<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        // MultiplyAddMode's test written out, so the JIT folds it as it imports this method (see Vector128Ops).
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            return (a * b) + c;
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAddNegated(Vector256<T> a, Vector256<T> b, Vector256<T> c)
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
    public static Vector256<T> Negate(Vector256<T> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> value) => Vector256.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> left, Vector256<T> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> left, Vector256<T> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThanOrEqual(Vector256<T> left, Vector256<T> right)
        => Vector256.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> left, Vector256<T> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThanOrEqual(Vector256<T> left, Vector256<T> right)
        => Vector256.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Equal(Vector256<T> left, Vector256<T> right) => Vector256.Equals(left, right);

    /// <remarks>Every mask of the kernels is a comparison's, all ones or all zeros per lane, so a blend on each lane's
    /// sign bit selects the same bits: one instruction with AVX2, where the JIT makes and, andnot and or of a mask held
    /// in a register. AVX-512 has its own one-instruction select (vpternlogd), which the JIT chooses.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ConditionalSelect(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse)
    {
        if (Avx.IsSupported && !Avx512F.VL.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return Avx.BlendVariable(whenFalse.AsSingle(), whenTrue.AsSingle(), mask.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return Avx.BlendVariable(whenFalse.AsDouble(), whenTrue.AsDouble(), mask.AsDouble()).As<double, T>();
        }

        return Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    }

    /// <remarks>With AVX2, one blend on the value's sign bits; AVX-512 forms the mask from them.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SelectBySign(Vector256<T> value, Vector256<T> whenSignSet, Vector256<T> whenSignClear)
        => Avx.IsSupported && !Avx512F.VL.IsSupported
            ? ConditionalSelect(value, whenSignSet, whenSignClear)
            : Vector256.ConditionalSelect(Vector256.IsNegative(value), whenSignSet, whenSignClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> BitwiseOr(Vector256<T> left, Vector256<T> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> BitwiseAnd(Vector256<T> left, Vector256<T> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AndNot(Vector256<T> left, Vector256<T> right) => Vector256.AndNot(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLaneSet(Vector256<T> mask) => mask.ExtractMostSignificantBits() != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNaN(Vector256<T> value) => !Vector256.EqualsAll(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector256<T> value) => Vector128Ops<T>.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(Vector256<T> mask) => BitOperations.PopCount(mask.ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftLeftBits(Vector256<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector256.ShiftLeft(value.As<T, int>(), count).As<int, T>()
            : Vector256.ShiftLeft(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftRightLogicalBits(Vector256<T> value, int count)
        => typeof(T) == typeof(float)
            ? Vector256.ShiftRightLogical(value.As<T, int>(), count).As<int, T>()
            : Vector256.ShiftRightLogical(value.As<T, long>(), count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadInt16Bits(ref readonly ushort source, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();

        // vpmovsxwd takes its operand from memory: one instruction where widening a loaded register takes two.
        var halves = Vector128.LoadUnsafe(in source, elementOffset).AsInt16();
        return Avx2.IsSupported
            ? Avx2.ConvertToVector256Int32(halves).As<int, T>()
            : Vector256.WidenLower(halves.ToVector256Unsafe()).As<int, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt16Bits(Vector256<T> bits, ref ushort destination, nuint elementOffset)
    {
        SixteenBitLanes.RequireSingle<T>();

        // The lanes hold 16-bit values: truncating each to its low half (vpmovdw) narrows them, as does an unsigned
        // saturating pack (each 128-bit half packed with itself, then the two low quarters joined).
        Vector128<ushort> halves;
        if (Avx512F.VL.IsSupported)
        {
            halves = Avx512F.VL.ConvertToVector128UInt16(bits.As<T, uint>());
        }
        else if (Avx2.IsSupported)
        {
            var packed = Avx2.PackUnsignedSaturate(bits.As<T, int>(), bits.As<T, int>());
            halves = Avx2.Permute4x64(packed.AsUInt64(), 0b_00_00_10_00).AsUInt16().GetLower();
        }
        else
        {
            halves = Vector256.Narrow(bits.As<T, uint>(), Vector256<uint>.Zero).GetLower();
        }

        halves.StoreUnsafe(ref destination, elementOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PowerInDouble(Vector256<T> value, double exponent)
    {
        var gamma = Vector256.Create(exponent);
        if (typeof(T) == typeof(double))
            return Elementary.Power<Vector256<double>, Vector256Ops<double>>(value.As<T, double>(), gamma).As<double, T>();

        var (lower, upper) = Vector256.Widen(value.As<T, float>());
        return Vector256.Narrow(
            Elementary.Power<Vector256<double>, Vector256Ops<double>>(lower, gamma),
            Elementary.Power<Vector256<double>, Vector256Ops<double>>(upper, gamma)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddBits(Vector256<T> left, Vector256<T> right)
        => typeof(T) == typeof(float)
            ? (left.As<T, int>() + right.As<T, int>()).As<int, T>()
            : (left.As<T, long>() + right.As<T, long>()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxUInt32Parts(Vector256<T> left, Vector256<T> right)
        => Vector256.Max(left.As<T, uint>(), right.As<T, uint>()).As<uint, T>();
}
