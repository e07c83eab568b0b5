using System.Numerics;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The sum of a call's weights, in the canonical order of the loss sums (so a weighted mean is reproducible), and the
/// check that each weight is finite and ≥ 0. Runs before the kernel when the reduction divides by it.
/// </summary>
internal static unsafe class WeightSum
{
    /// <summary>The canonical sum of <paramref name="length"/> weights; <paramref name="invalidIndex"/> is the first
    /// weight that is negative, infinite or NaN, or -1.</summary>
    public static double Compute<TStorage, T>(TStorage* weights, long length, out long invalidIndex)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int ChunkSize = 16384;
        Span<T> block = stackalloc T[BlockGeometry.BlockSize];
        Span<double> lanes = stackalloc double[BlockGeometry.CanonicalLanes];
        var total = 0.0;
        invalidIndex = -1;
        for (long chunkStart = 0; chunkStart < length; chunkStart += ChunkSize)
        {
            lanes.Clear();
            var chunkEnd = Math.Min(chunkStart + ChunkSize, length);
            for (var start = chunkStart; start < chunkEnd; start += BlockGeometry.BlockSize)
            {
                var count = (int)Math.Min(BlockGeometry.BlockSize, chunkEnd - start);
                ElementStorage.ToCompute<TStorage, T, Vector128<T>, Vector128Ops<T>>(weights + start, count, block);
                for (var i = 0; i < count; i++)
                {
                    if (!(block[i] >= T.Zero && T.IsFinite(block[i])))
                    {
                        invalidIndex = start + i;
                        return double.NaN;
                    }
                }

                // Every width adds in the canonical order; 128-bit runs everywhere (emulated where absent).
                CanonicalSum.Accumulate<T, Vector128Ops<T>>(block[..count], lanes);
            }

            total += CanonicalSum.Combine(lanes);
        }

        return total;
    }
}
