using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Drivers;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// The binary Brier score's sum on the 256- and 512-bit paths: the canonical lanes of a chunk are four 256-bit
/// registers (lane i mod 16 of a group of 16 samples is register lane i mod 16), each adding (c − y)² of its samples in
/// index order, as <see cref="FixedOrderSum"/> does one at a time; a chunk's last partial group is added by the scalar
/// rule, and the lanes are combined by the fixed tree. The same bits as the scalar pass.
/// </summary>
internal static class BrierKernel
{
    private const int Lanes = BlockGeometry.CanonicalLanes;

    /// <summary>Whether the vector pass applies (a 256-bit or wider path).</summary>
    public static bool Applies => FocalRuntime.ActivePath >= SimdPath.Vector256;

    /// <summary>Σ (c − y)² in the canonical order.</summary>
    /// <returns>False when some confidence is outside [0, 1] or NaN, or some label is not 0 or 1 (the sum is then meaningless).</returns>
    public static bool TrySum<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, out double sum)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<double> lanes = stackalloc double[Lanes];
        var valid = true;
        sum = 0;
        for (var start = 0; start < confidences.Length; start += FixedOrderSum.ChunkSize)
        {
            var length = Math.Min(FixedOrderSum.ChunkSize, confidences.Length - start);
            valid &= Chunk(confidences.Slice(start, length), labels.Slice(start, length), lanes);
            sum += CanonicalSum.Combine(lanes);
        }

        return valid;
    }

    /// <summary>One chunk's lane sums into <paramref name="lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Chunk<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref var first = ref MemoryMarshal.GetReference(confidences);
        ref var label = ref MemoryMarshal.GetReference(labels);
        Vector256<double> lane0 = default, lane4 = default, lane8 = default, lane12 = default;
        var outside = Vector256<double>.Zero;
        var largestLabel = Vector128<byte>.Zero;
        var groups = confidences.Length / Lanes * Lanes;
        for (var offset = 0; offset < groups; offset += Lanes)
        {
            var labelBytes = Vector128.LoadUnsafe(ref label, (nuint)offset);
            largestLabel = Vector128.Max(largestLabel, labelBytes);
            var (y0, y4, y8, y12) = Doubles(labelBytes);
            var (c0, c4, c8, c12) = Doubles(ref first, offset);
            outside |= Outside(c0) | Outside(c4) | Outside(c8) | Outside(c12);
            lane0 += Square(c0 - y0);
            lane4 += Square(c4 - y4);
            lane8 += Square(c8 - y8);
            lane12 += Square(c12 - y12);
        }

        lane0.StoreUnsafe(ref lanes[0]);
        lane4.StoreUnsafe(ref lanes[0], 4);
        lane8.StoreUnsafe(ref lanes[0], 8);
        lane12.StoreUnsafe(ref lanes[0], 12);
        var valid = outside == Vector256<double>.Zero && Vector128.LessThanOrEqualAll(largestLabel, Vector128<byte>.One);
        for (var i = groups; i < confidences.Length; i++)
        {
            var gap = double.CreateTruncating(confidences[i]) - labels[i];
            lanes[i % Lanes] += gap * gap;
            valid &= confidences[i] >= T.Zero && confidences[i] <= T.One && labels[i] <= 1;
        }

        return valid;
    }

    /// <summary>x², rounded (a separate multiplication and addition, as the scalar pass adds it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Square(Vector256<double> x) => x * x;

    /// <summary>The lanes not in [0, 1] (NaN included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Outside(Vector256<double> c)
        => ~(Vector256.GreaterThanOrEqual(c, Vector256<double>.Zero) & Vector256.LessThanOrEqual(c, Vector256<double>.One));

    /// <summary>16 labels (0 or 1 when valid) as doubles, exactly (through int32 and float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double>, Vector256<double>, Vector256<double>, Vector256<double>) Doubles(Vector128<byte> labels)
    {
        var words = Vector256.WidenLower(labels.ToVector256Unsafe());
        var low = Vector256.ConvertToSingle(Vector256.WidenLower(words).AsInt32());
        var high = Vector256.ConvertToSingle(Vector256.WidenUpper(words).AsInt32());
        return (Vector256.WidenLower(low), Vector256.WidenUpper(low), Vector256.WidenLower(high), Vector256.WidenUpper(high));
    }

    /// <summary>16 confidences from <paramref name="offset"/> on, widened to double (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double>, Vector256<double>, Vector256<double>, Vector256<double>) Doubles<T>(ref T first, int offset)
    {
        if (typeof(T) == typeof(double))
        {
            ref var values = ref Unsafe.As<T, double>(ref first);
            return (Vector256.LoadUnsafe(ref values, (nuint)offset), Vector256.LoadUnsafe(ref values, (nuint)offset + 4),
                Vector256.LoadUnsafe(ref values, (nuint)offset + 8), Vector256.LoadUnsafe(ref values, (nuint)offset + 12));
        }

        ref var singles = ref Unsafe.As<T, float>(ref first);
        var low = Vector256.LoadUnsafe(ref singles, (nuint)offset);
        var high = Vector256.LoadUnsafe(ref singles, (nuint)offset + 8);
        return (Vector256.WidenLower(low), Vector256.WidenUpper(low), Vector256.WidenLower(high), Vector256.WidenUpper(high));
    }
}
