using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Storage;

/// <summary>
/// The element types a call may store its data in, and their conversion to and from the type the kernels compute
/// in: float and double compute in themselves; <see cref="Half"/> and <see cref="BFloat16"/> compute in float. Widening
/// is exact and narrowing rounds once (to nearest, ties to even), so the conversions add no path dependence.
/// </summary>
internal static unsafe class ElementStorage
{
    /// <summary>Whether <typeparamref name="TStorage"/> is one of the four supported element types.</summary>
    public static bool IsSupported<TStorage>()
        => typeof(TStorage) == typeof(float) || typeof(TStorage) == typeof(double)
            || typeof(TStorage) == typeof(Half) || typeof(TStorage) == typeof(BFloat16);

    /// <summary>
    /// Widens <paramref name="length"/> stored values into <paramref name="destination"/>; 16-bit values at the width
    /// of <typeparamref name="TOps"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToCompute<TStorage, T, TVec, TOps>(TStorage* source, int length, Span<T> destination)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(TStorage) == typeof(T))
            new ReadOnlySpan<T>(source, length).CopyTo(destination);
        else
            SixteenBitConversion<TVec, T, TOps>.Widen(source, length, destination);
    }

    /// <summary>
    /// Narrows <paramref name="length"/> computed values into storage at <paramref name="destination"/>; 16-bit values
    /// at the width of <typeparamref name="TOps"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToStorage<TStorage, T, TVec, TOps>(ReadOnlySpan<T> source, int length, TStorage* destination)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(TStorage) == typeof(T))
            source[..length].CopyTo(new Span<T>(destination, length));
        else
            SixteenBitConversion<TVec, T, TOps>.Narrow(source, length, destination);
    }

    /// <summary>A reduced result (a double) in the storage type, rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TStorage FromDouble<TStorage>(double value)
        where TStorage : unmanaged
    {
        if (typeof(TStorage) == typeof(float))
            return (TStorage)(object)(float)value;
        if (typeof(TStorage) == typeof(double))
            return (TStorage)(object)value;
        if (typeof(TStorage) == typeof(Half))
            return (TStorage)(object)(Half)value;
        return (TStorage)(object)BFloat16.FromRawValue(BFloat16.Narrow(BitConverter.SingleToUInt32Bits(RoundToOdd(value))));
    }

    /// <summary>One stored value as a double (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<TStorage>(TStorage value)
        where TStorage : unmanaged
    {
        if (typeof(TStorage) == typeof(float))
            return (float)(object)value;
        if (typeof(TStorage) == typeof(double))
            return (double)(object)value;
        if (typeof(TStorage) == typeof(Half))
            return (double)(Half)(object)value;
        return (float)(BFloat16)(object)value;
    }

    /// <summary>A double in the compute type of a call (float or double).</summary>
    public static T ToCompute<T>(double value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(value);

    /// <summary>
    /// The float nearest <paramref name="value"/> toward zero, with its last bit set when inexact ("round to odd"):
    /// rounding that float to the 8-bit significand of bfloat16 then equals rounding the double directly.
    /// </summary>
    private static float RoundToOdd(double value)
    {
        var nearest = (float)value;
        if (double.IsNaN(value) || nearest == value)
            return nearest;
        var towardZero = Math.Abs((double)nearest) > Math.Abs(value) ? MathF.BitDecrement(Math.Abs(nearest)) * MathF.Sign(nearest) : nearest;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(towardZero) | 1);
    }
}
