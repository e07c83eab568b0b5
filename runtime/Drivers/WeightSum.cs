using System.Numerics;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The sum of a call's weights, in the canonical order of the loss sums (so a weighted mean is reproducible). Runs before
/// the kernel when the reduction divides by it, at the active SIMD path and on the kernels' threads: every width adds in
/// the canonical order and chunk totals are added in chunk order, so the sum has the same bits whichever width and
/// however many threads run it. It only adds: the kernel checks every weight as it reads it, and a broken one fails the
/// call whatever this sum is, so reading the weights a second time here to check them would only cost.
/// </summary>
internal static unsafe class WeightSum
{
    /// <summary>The canonical sum of <paramref name="length"/> weights.</summary>
    public static double Compute<TStorage, T>(TStorage* weights, long length)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => FocalRuntime.ActivePath switch
        {
            SimdPath.Vector512 => WeightSum<TStorage, T, Vector512<T>, Vector512Ops<T>>.Compute(weights, length),
            SimdPath.Vector256 => WeightSum<TStorage, T, Vector256<T>, Vector256Ops<T>>.Compute(weights, length),
            SimdPath.Vector128 => WeightSum<TStorage, T, Vector128<T>, Vector128Ops<T>>.Compute(weights, length),
            _ => WeightSum<TStorage, T, T, ScalarOps<T>>.Compute(weights, length),
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

    public static double Compute(TStorage* weights, long length)
    {
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        var parts = PartsFor(length, chunks, FocalRuntime.MaxDegreeOfParallelism);
        if (parts <= 1)
            return SumChunks(weights, length, 0, chunks, null);

        var job = cachedJob ??= new WeightSum<TStorage, T, TVec, TOps>();
        job.weights = weights;
        job.length = length;
        return job.RunInParts(chunks, parts, summed: true);
    }

    protected override void RunPart(long first, long end, double[]? totals) => SumChunks(weights, length, first, end, totals);

    /// <summary>
    /// Chunks <paramref name="first"/> to <paramref name="end"/> (exclusive): their totals into
    /// <paramref name="totals"/>, or added in order into the result when it is null.
    /// </summary>
    private static double SumChunks(TStorage* weights, long length, long first, long end, double[]? totals)
    {
        Span<T> block = stackalloc T[BlockGeometry.BlockSize];
        Span<double> lanes = stackalloc double[BlockGeometry.CanonicalLanes];
        var total = 0.0;
        for (var chunk = first; chunk < end; chunk++)
        {
            lanes.Clear();
            var chunkStart = chunk * ChunkSize;
            var chunkLength = (int)Math.Min(ChunkSize, length - chunkStart);
            if (typeof(TStorage) == typeof(T))
            {
                // Weights stored in the compute type are added in place, the whole chunk in one run of registers.
                CanonicalSum.Accumulate<T, TOps>(new ReadOnlySpan<T>((T*)(weights + chunkStart), chunkLength), lanes);
            }
            else
            {
                for (var offset = 0; offset < chunkLength; offset += BlockGeometry.BlockSize)
                {
                    var count = Math.Min(BlockGeometry.BlockSize, chunkLength - offset);
                    ElementStorage.ToCompute<TStorage, T, TVec, TOps>(weights + chunkStart + offset, count, block);
                    CanonicalSum.Accumulate<T, TOps>(block[..count], lanes);
                }
            }

            var chunkTotal = CanonicalSum.Combine(lanes);
            if (totals is null)
                total += chunkTotal;
            else
                totals[chunk] = chunkTotal;
        }

        return total;
    }
}
