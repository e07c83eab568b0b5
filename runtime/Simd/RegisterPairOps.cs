using System.Numerics;
using System.Runtime.CompilerServices;

namespace FocalAot.Simd;

/// <summary>Two registers of one width, computed as one.</summary>
internal readonly record struct RegisterPair<TVec>(TVec First, TVec Second)
    where TVec : struct;

/// <summary>
/// The register arithmetic over <see cref="RegisterPair{TVec}"/>: each operation on the first register and then on the
/// second, so a long dependency chain (the exp·log power) is written out as two chains interleaved instruction by
/// instruction, which the out-of-order core overlaps where one chain alone would wait on latency. Each lane's
/// operations are those of <typeparamref name="TOps"/>, so the bits are the same.
/// </summary>
internal readonly struct RegisterPairOps<TVec, T, TOps> : ISimdMath<RegisterPair<TVec>, T>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdMath<TVec, T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Create(T value) => Both(TOps.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> CreateFromBits(long bits) => Both(TOps.CreateFromBits(bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Add(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Add(left.First, right.First), TOps.Add(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Subtract(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Subtract(left.First, right.First), TOps.Subtract(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Multiply(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Multiply(left.First, right.First), TOps.Multiply(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Divide(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Divide(left.First, right.First), TOps.Divide(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> MultiplyAdd(RegisterPair<TVec> a, RegisterPair<TVec> b, RegisterPair<TVec> c)
        => new(TOps.MultiplyAdd(a.First, b.First, c.First), TOps.MultiplyAdd(a.Second, b.Second, c.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> MultiplyAddNegated(RegisterPair<TVec> a, RegisterPair<TVec> b, RegisterPair<TVec> c)
        => new(TOps.MultiplyAddNegated(a.First, b.First, c.First), TOps.MultiplyAddNegated(a.Second, b.Second, c.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Negate(RegisterPair<TVec> value) => new(TOps.Negate(value.First), TOps.Negate(value.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Abs(RegisterPair<TVec> value) => new(TOps.Abs(value.First), TOps.Abs(value.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Sqrt(RegisterPair<TVec> value) => new(TOps.Sqrt(value.First), TOps.Sqrt(value.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Max(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Max(left.First, right.First), TOps.Max(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Min(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Min(left.First, right.First), TOps.Min(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> GreaterThanOrEqual(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.GreaterThanOrEqual(left.First, right.First), TOps.GreaterThanOrEqual(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> LessThan(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.LessThan(left.First, right.First), TOps.LessThan(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> LessThanOrEqual(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.LessThanOrEqual(left.First, right.First), TOps.LessThanOrEqual(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> Equal(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.Equal(left.First, right.First), TOps.Equal(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> ConditionalSelect(RegisterPair<TVec> mask, RegisterPair<TVec> whenTrue, RegisterPair<TVec> whenFalse)
        => new(TOps.ConditionalSelect(mask.First, whenTrue.First, whenFalse.First),
            TOps.ConditionalSelect(mask.Second, whenTrue.Second, whenFalse.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> SelectBySign(RegisterPair<TVec> value, RegisterPair<TVec> whenSignSet, RegisterPair<TVec> whenSignClear)
        => new(TOps.SelectBySign(value.First, whenSignSet.First, whenSignClear.First),
            TOps.SelectBySign(value.Second, whenSignSet.Second, whenSignClear.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> BitwiseOr(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.BitwiseOr(left.First, right.First), TOps.BitwiseOr(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> BitwiseAnd(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.BitwiseAnd(left.First, right.First), TOps.BitwiseAnd(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> AndNot(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.AndNot(left.First, right.First), TOps.AndNot(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLaneSet(RegisterPair<TVec> mask) => TOps.AnyLaneSet(TOps.BitwiseOr(mask.First, mask.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> ShiftLeftBits(RegisterPair<TVec> value, int count)
        => new(TOps.ShiftLeftBits(value.First, count), TOps.ShiftLeftBits(value.Second, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> ShiftRightLogicalBits(RegisterPair<TVec> value, int count)
        => new(TOps.ShiftRightLogicalBits(value.First, count), TOps.ShiftRightLogicalBits(value.Second, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> AddBits(RegisterPair<TVec> left, RegisterPair<TVec> right)
        => new(TOps.AddBits(left.First, right.First), TOps.AddBits(left.Second, right.Second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterPair<TVec> PowerInDouble(RegisterPair<TVec> value, double exponent)
        => new(TOps.PowerInDouble(value.First, exponent), TOps.PowerInDouble(value.Second, exponent));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RegisterPair<TVec> Both(TVec value) => new(value, value);
}
