using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The sum of a call's weights, in the canonical order of the loss sums (so a weighted mean is reproducible), and the
/// check that each weight is finite and ≥ 0. Runs before the kernel when the reduction divides by it, at the active SIMD
/// path and on the kernels' threads: every width adds in the canonical order and chunk totals are added in chunk order,
/// so the sum has the same bits whichever width and however many threads run it.
/// </summary>
internal static unsafe class WeightSum
{
    /// <summary>The canonical sum of <paramref name="length"/> weights; <paramref name="invalidIndex"/> is the first
    /// weight that is negative, infinite or NaN, or -1.</summary>
    public static double Compute<TStorage, T>(TStorage* weights, long length, out long invalidIndex)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => FocalRuntime.ActivePath switch
        {
            SimdPath.Vector512 => WeightSum<TStorage, T, Vector512<T>, Vector512Ops<T>>.Compute(weights, length, out invalidIndex),
            SimdPath.Vector256 => WeightSum<TStorage, T, Vector256<T>, Vector256Ops<T>>.Compute(weights, length, out invalidIndex),
            SimdPath.Vector128 => WeightSum<TStorage, T, Vector128<T>, Vector128Ops<T>>.Compute(weights, length, out invalidIndex),
            _ => WeightSum<TStorage, T, T, ScalarOps<T>>.Compute(weights, length, out invalidIndex),
        };
}

/// <summary><see cref="WeightSum"/> at one width: chunk totals, split over threads as the kernels split a call.</summary>
internal sealed unsafe class WeightSum<TStorage, T, TVec, TOps> : ChunkedJob
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TVec : struct
    where TOps : ISimdOps<TVec, T>
{
    private const int ChunkSize = KernelDriver<TVec, TStorage, T, TOps, PowerFactor<T>, ForwardMode>.ChunkSize;

    [ThreadStatic]
    private static WeightSum<TStorage, T, TVec, TOps>? cachedJob;

    private TStorage* weights;
    private long length;
    private long firstInvalid;

    public static double Compute(TStorage* weights, long length, out long invalidIndex)
    {
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        var parts = PartsFor(length, chunks, FocalRuntime.MaxDegreeOfParallelism);
        if (parts <= 1)
            return SumChunks(weights, length, 0, chunks, null, out invalidIndex);

        var job = cachedJob ??= new WeightSum<TStorage, T, TVec, TOps>();
        job.weights = weights;
        job.length = length;
        job.firstInvalid = long.MaxValue;
        var total = job.RunInParts(chunks, parts, summed: true);
        invalidIndex = job.firstInvalid == long.MaxValue ? -1 : job.firstInvalid;
        return invalidIndex < 0 ? total : double.NaN;
    }

    protected override void RunPart(long first, long end, double[]? totals)
    {
        SumChunks(weights, length, first, end, totals, out var invalid);
        if (invalid < 0)
            return;
        for (var seen = Volatile.Read(ref firstInvalid); invalid < seen; seen = Volatile.Read(ref firstInvalid))
        {
            if (Interlocked.CompareExchange(ref firstInvalid, invalid, seen) == seen)
                return;
        }
    }

    /// <summary>
    /// Chunks <paramref name="first"/> to <paramref name="end"/> (exclusive): their totals into
    /// <paramref name="totals"/>, or added in order into the result when it is null.
    /// </summary>
    private static double SumChunks(TStorage* weights, long length, long first, long end, double[]? totals, out long invalidIndex)
    {
        Span<T> block = stackalloc T[BlockGeometry.BlockSize];
        Span<double> lanes = stackalloc double[BlockGeometry.CanonicalLanes];
        var total = 0.0;
        invalidIndex = -1;
        for (var chunk = first; chunk < end; chunk++)
        {
            lanes.Clear();
            var chunkStart = chunk * ChunkSize;
            var chunkEnd = Math.Min(chunkStart + ChunkSize, length);
            for (var start = chunkStart; start < chunkEnd; start += BlockGeometry.BlockSize)
            {
                var count = (int)Math.Min(BlockGeometry.BlockSize, chunkEnd - start);
                ReadOnlySpan<T> values = block[..count];
                if (typeof(TStorage) == typeof(T))
                    values = new ReadOnlySpan<T>((T*)(weights + start), count);
                else
                    ElementStorage.ToCompute<TStorage, T, TVec, TOps>(weights + start, count, block);

                if (FirstInvalid(values) is var invalid and >= 0)
                {
                    invalidIndex = start + invalid;
                    return double.NaN;
                }

                CanonicalSum.Accumulate<T, TOps>(values, lanes);
            }

            var chunkTotal = CanonicalSum.Combine(lanes);
            if (totals is null)
                total += chunkTotal;
            else
                totals[chunk] = chunkTotal;
        }

        return total;
    }

    /// <summary>The index of the first weight that is negative, infinite or NaN, or -1: whole registers tested at once.</summary>
    private static int FirstInvalid(ReadOnlySpan<T> values)
    {
        ref readonly var first = ref MemoryMarshal.GetReference(values);
        var valid = TOps.CreateFromBits(-1);
        var whole = values.Length - (values.Length % TOps.Count);
        for (var i = 0; i < whole; i += TOps.Count)
            valid = TOps.BitwiseAnd(valid, SigmoidFocalElement<TVec, T, TOps>.ValidWeight(TOps.Load(in first, (nuint)i)));
        if (!TOps.AnyLaneSet(TOps.AndNot(TOps.CreateFromBits(-1), valid)) && whole == values.Length)
            return -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (!WeightRule.Holds(double.CreateTruncating(values[i])))
                return i;
        }

        return -1;
    }
}
