using System.Buffers;
using System.Runtime.InteropServices;

namespace FocalAot.Calibration;

/// <summary>
/// Sorts non-negative doubles (no NaN) in linear time: the bits of such a double order it as a number, so a least
/// significant digit first radix sort of the 64-bit patterns, 11 bits a pass, sorts the values. A pass whose digit is the
/// same for every value is skipped (the low 29 mantissa bits of a widened float are zero, so float data takes four).
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 11;

    private const int Buckets = 1 << DigitBits;

    private const ulong NegativeZero = 0x8000_0000_0000_0000;

    /// <summary>Sorts <paramref name="values"/> ascending; -0 becomes +0 (equal as numbers, and first either way).</summary>
    public static void SortNonNegative(Span<double> values)
    {
        if (values.Length < 2)
            return;

        var keys = MemoryMarshal.Cast<double, ulong>(values);
        foreach (ref var key in keys)
        {
            if (key == NegativeZero)
                key = 0;
        }

        var rented = ArrayPool<ulong>.Shared.Rent(keys.Length);
        try
        {
            Span<int> starts = stackalloc int[Buckets];
            var source = keys;
            var target = rented.AsSpan(0, keys.Length);
            for (var shift = 0; shift < 64; shift += DigitBits)
            {
                if (!Distribute(source, target, shift, starts))
                    continue;

                var swap = source;
                source = target;
                target = swap;
            }

            if (source != keys)
                source.CopyTo(keys);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>One stable pass by the digit at <paramref name="shift"/>; false (nothing moved) when every key shares it.</summary>
    private static bool Distribute(ReadOnlySpan<ulong> source, Span<ulong> target, int shift, Span<int> starts)
    {
        starts.Clear();
        foreach (var key in source)
            starts[(int)(key >> shift) & (Buckets - 1)]++;
        if (starts[(int)(source[0] >> shift) & (Buckets - 1)] == source.Length)
            return false;

        var next = 0;
        for (var digit = 0; digit < Buckets; digit++)
        {
            var count = starts[digit];
            starts[digit] = next;
            next += count;
        }

        foreach (var key in source)
            target[starts[(int)(key >> shift) & (Buckets - 1)]++] = key;
        return true;
    }
}
