using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FocalAot.Kernels;
using FocalAot.Simd;

namespace FocalAot.Drivers;

/// <summary>
/// The one summation order every width and thread count uses, so sums are reproducible bit for bit:
/// within a chunk, lane j (of 16) adds, in double and in index order, the values whose index is j mod 16;
/// the 16 lane sums are combined by a fixed pairwise tree; chunk totals are added in chunk order.
/// </summary>
internal static class CanonicalSum
{
    private const int Lanes = BlockGeometry.CanonicalLanes;

    /// <summary>Adds <paramref name="values"/> (starting at a multiple of 16 within the chunk) into the 16 lane sums.</summary>
    public static void Accumulate<T, TOps>(ReadOnlySpan<T> values, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var fullGroups = values.Length / Lanes;
        AccumulateGroups<T, TOps>(ref MemoryMarshal.GetReference(values), fullGroups, ref MemoryMarshal.GetReference(lanes));

        var remainder = values.Length - (fullGroups * Lanes);
        if (remainder > 0)
        {
            // Adding +0 leaves a lane sum unchanged, so a zero-padded group is the same as the remainder alone.
            Span<T> padded = stackalloc T[Lanes];
            padded.Clear();
            values[(fullGroups * Lanes)..].CopyTo(padded);
            AccumulateGroups<T, TOps>(ref MemoryMarshal.GetReference(padded), 1, ref MemoryMarshal.GetReference(lanes));
        }
    }

    /// <summary>
    /// The canonical sum of a short run of values zero-padded to whole groups (its length a multiple of 16), such as a
    /// row's: on the 512- and 256-bit paths the lane sums stay in registers from the first addition to the last, where a
    /// round trip through memory would cost more than the additions of a few groups.
    /// </summary>
    public static double OfGroups<T, TOps>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Debug.Assert(values.Length % Lanes == 0, "Whole groups only.");
        var groups = values.Length / Lanes;
        ref var first = ref MemoryMarshal.GetReference(values);
        if (typeof(TOps) == typeof(Vector512Ops<T>))
        {
            var (s0, s1) = AddGroups512(ref first, groups, default, default);
            return Finish(Level<Vector256<double>, Vector256Ops<double>>(s0.GetLower(), s0.GetUpper(), s1.GetLower(), s1.GetUpper()));
        }

        if (typeof(TOps) == typeof(Vector256Ops<T>))
        {
            var (s0, s1, s2, s3) = AddGroups256(ref first, groups, default, default, default, default);
            return Finish(Level<Vector256<double>, Vector256Ops<double>>(s0, s1, s2, s3));
        }

        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        AccumulateGroups<T, TOps>(ref first, groups, ref MemoryMarshal.GetReference(lanes));
        return Combine(lanes);
    }

    /// <summary>
    /// The quiet NaN every reduced result that is NaN becomes. Which operand's NaN an addition keeps depends on
    /// the instruction the JIT picks for a width, so the sign and payload of a NaN sum would differ by path.
    /// </summary>
    public static readonly double CanonicalNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);

    /// <summary><paramref name="sum"/>, or <see cref="CanonicalNaN"/> when it is NaN.</summary>
    public static double Canonicalize(double sum) => double.IsNaN(sum) ? CanonicalNaN : sum;

    /// <summary>
    /// The fixed pairwise combination of the 16 lane sums: lane j adds lane j + 8, then j + 4, j + 2 and j + 1. Its first
    /// level runs on registers of four lanes, its second on the register's four results.
    /// </summary>
    public static double Combine(ReadOnlySpan<double> lanes)
    {
        var quarters = MemoryMarshal.Cast<double, Vector256<double>>(lanes[..Lanes]);
        return Finish(Level<Vector256<double>, Vector256Ops<double>>(quarters[0], quarters[1], quarters[2], quarters[3]));
    }

    /// <summary>
    /// <see cref="Combine(ReadOnlySpan{double})"/>'s tree over 16 lane sums, lane k at
    /// <paramref name="lanes"/>[start + k·stride]. A <typeparamref name="TSum"/> is one sum's lane (a double), or a register
    /// holding the same lane of several sums, which combines them all at once with the same additions.
    /// </summary>
    public static TSum Combine<TSum, TOps>(ReadOnlySpan<TSum> lanes, int start, int stride)
        where TSum : struct
        where TOps : ISimdOps<TSum, double>
    {
        _ = lanes[start + ((Lanes - 1) * stride)];
        ref readonly var first = ref lanes[start];
        return Level<TSum, TOps>(
            Quarter(in first, 0, stride), Quarter(in first, 1, stride), Quarter(in first, 2, stride), Quarter(in first, 3, stride));

        // The first level's result j, from lanes j, j + 4, j + 8 and j + 12.
        static TSum Quarter(ref readonly TSum first, int j, int stride)
            => Level<TSum, TOps>(
                Lane(in first, j, stride), Lane(in first, j + 4, stride), Lane(in first, j + 8, stride), Lane(in first, j + 12, stride));

        static TSum Lane(ref readonly TSum first, int lane, int stride) => Unsafe.Add(ref Unsafe.AsRef(in first), lane * stride);
    }

    /// <summary>The second level on the first level's four results, (a + c) + (b + d), with a + c and b + d as one addition of halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Finish(Vector256<double> four)
    {
        var halves = four.GetLower() + four.GetUpper();
        return halves.GetElement(0) + halves.GetElement(1);
    }

    /// <summary>
    /// One level of the tree: lanes j, j + 4, j + 8 and j + 12 of 16 (or the first level's four results) as (a + c) + (b + d).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TSum Level<TSum, TOps>(TSum a, TSum b, TSum c, TSum d)
        where TSum : struct
        where TOps : ISimdOps<TSum, double>
        => TOps.Add(TOps.Add(a, c), TOps.Add(b, d));

    private static void AccumulateGroups<T, TOps>(ref T values, int groups, ref double lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(TOps) == typeof(Vector512Ops<T>))
            AccumulateVector512(ref values, groups, ref lanes);
        else if (typeof(TOps) == typeof(Vector256Ops<T>))
            AccumulateVector256(ref values, groups, ref lanes);
        else if (typeof(TOps) == typeof(Vector128Ops<T>))
            AccumulateVector128(ref values, groups, ref lanes);
        else
            AccumulateScalar(ref values, groups, ref lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateScalar<T>(ref T values, int groups, ref double lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var g = 0; g < groups; g++)
        {
            for (var j = 0; j < Lanes; j++)
                Unsafe.Add(ref lanes, j) += double.CreateTruncating(Unsafe.Add(ref values, (g * Lanes) + j));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateVector128<T>(ref T values, int groups, ref double lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Eight named accumulators keep the lane sums in registers (NEON has 32 of them).
        var s0 = Vector128.LoadUnsafe(ref lanes, 0);
        var s1 = Vector128.LoadUnsafe(ref lanes, 2);
        var s2 = Vector128.LoadUnsafe(ref lanes, 4);
        var s3 = Vector128.LoadUnsafe(ref lanes, 6);
        var s4 = Vector128.LoadUnsafe(ref lanes, 8);
        var s5 = Vector128.LoadUnsafe(ref lanes, 10);
        var s6 = Vector128.LoadUnsafe(ref lanes, 12);
        var s7 = Vector128.LoadUnsafe(ref lanes, 14);
        for (var g = 0; g < groups; g++)
        {
            var offset = (nuint)(g * Lanes);
            if (typeof(T) == typeof(float))
            {
                ref var f = ref Unsafe.As<T, float>(ref values);
                var (l0, u0) = Vector128.Widen(Vector128.LoadUnsafe(ref f, offset));
                var (l1, u1) = Vector128.Widen(Vector128.LoadUnsafe(ref f, offset + 4));
                var (l2, u2) = Vector128.Widen(Vector128.LoadUnsafe(ref f, offset + 8));
                var (l3, u3) = Vector128.Widen(Vector128.LoadUnsafe(ref f, offset + 12));
                s0 += l0;
                s1 += u0;
                s2 += l1;
                s3 += u1;
                s4 += l2;
                s5 += u2;
                s6 += l3;
                s7 += u3;
            }
            else
            {
                ref var d = ref Unsafe.As<T, double>(ref values);
                s0 += Vector128.LoadUnsafe(ref d, offset);
                s1 += Vector128.LoadUnsafe(ref d, offset + 2);
                s2 += Vector128.LoadUnsafe(ref d, offset + 4);
                s3 += Vector128.LoadUnsafe(ref d, offset + 6);
                s4 += Vector128.LoadUnsafe(ref d, offset + 8);
                s5 += Vector128.LoadUnsafe(ref d, offset + 10);
                s6 += Vector128.LoadUnsafe(ref d, offset + 12);
                s7 += Vector128.LoadUnsafe(ref d, offset + 14);
            }
        }

        s0.StoreUnsafe(ref lanes, 0);
        s1.StoreUnsafe(ref lanes, 2);
        s2.StoreUnsafe(ref lanes, 4);
        s3.StoreUnsafe(ref lanes, 6);
        s4.StoreUnsafe(ref lanes, 8);
        s5.StoreUnsafe(ref lanes, 10);
        s6.StoreUnsafe(ref lanes, 12);
        s7.StoreUnsafe(ref lanes, 14);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateVector256<T>(ref T values, int groups, ref double lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (s0, s1, s2, s3) = AddGroups256(ref values, groups, Vector256.LoadUnsafe(ref lanes, 0), Vector256.LoadUnsafe(ref lanes, 4),
            Vector256.LoadUnsafe(ref lanes, 8), Vector256.LoadUnsafe(ref lanes, 12));
        s0.StoreUnsafe(ref lanes, 0);
        s1.StoreUnsafe(ref lanes, 4);
        s2.StoreUnsafe(ref lanes, 8);
        s3.StoreUnsafe(ref lanes, 12);
    }

    /// <summary>Lanes 0-3, 4-7, 8-11 and 12-15 plus <paramref name="groups"/> groups of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double>, Vector256<double>, Vector256<double>, Vector256<double>) AddGroups256<T>(
        ref T values, int groups, Vector256<double> s0, Vector256<double> s1, Vector256<double> s2, Vector256<double> s3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var g = 0; g < groups; g++)
        {
            var offset = (nuint)(g * Lanes);
            if (typeof(T) == typeof(float) && Avx.IsSupported)
            {
                // Each quarter converted as it is loaded: widening a whole register costs an extraction more.
                ref var f = ref Unsafe.As<T, float>(ref values);
                s0 += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, offset));
                s1 += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, offset + 4));
                s2 += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, offset + 8));
                s3 += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, offset + 12));
            }
            else if (typeof(T) == typeof(float))
            {
                ref var f = ref Unsafe.As<T, float>(ref values);
                var (l0, u0) = Vector256.Widen(Vector256.LoadUnsafe(ref f, offset));
                var (l1, u1) = Vector256.Widen(Vector256.LoadUnsafe(ref f, offset + 8));
                s0 += l0;
                s1 += u0;
                s2 += l1;
                s3 += u1;
            }
            else
            {
                ref var d = ref Unsafe.As<T, double>(ref values);
                s0 += Vector256.LoadUnsafe(ref d, offset);
                s1 += Vector256.LoadUnsafe(ref d, offset + 4);
                s2 += Vector256.LoadUnsafe(ref d, offset + 8);
                s3 += Vector256.LoadUnsafe(ref d, offset + 12);
            }
        }

        return (s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateVector512<T>(ref T values, int groups, ref double lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (s0, s1) = AddGroups512(ref values, groups, Vector512.LoadUnsafe(ref lanes, 0), Vector512.LoadUnsafe(ref lanes, 8));
        s0.StoreUnsafe(ref lanes, 0);
        s1.StoreUnsafe(ref lanes, 8);
    }

    /// <summary>Lanes 0-7 and 8-15 plus <paramref name="groups"/> groups of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Low, Vector512<double> High) AddGroups512<T>(
        ref T values, int groups, Vector512<double> s0, Vector512<double> s1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var g = 0; g < groups; g++)
        {
            var offset = (nuint)(g * Lanes);
            if (typeof(T) == typeof(float) && Avx512F.IsSupported)
            {
                // Each half converted as it is loaded: widening a whole register costs an extraction more.
                ref var f = ref Unsafe.As<T, float>(ref values);
                s0 += Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref f, offset));
                s1 += Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref f, offset + 8));
            }
            else if (typeof(T) == typeof(float))
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.As<T, float>(ref values), offset));
                s0 += lower;
                s1 += upper;
            }
            else
            {
                ref var d = ref Unsafe.As<T, double>(ref values);
                s0 += Vector512.LoadUnsafe(ref d, offset);
                s1 += Vector512.LoadUnsafe(ref d, offset + 8);
            }
        }

        return (s0, s1);
    }
}
