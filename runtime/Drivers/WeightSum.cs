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
/// path: every width adds in the canonical order, so the sum has the same bits whichever runs.
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
            SimdPath.Vector512 => Compute<TStorage, T, Vector512<T>, Vector512Ops<T>>(weights, length, out invalidIndex),
            SimdPath.Vector256 => Compute<TStorage, T, Vector256<T>, Vector256Ops<T>>(weights, length, out invalidIndex),
            SimdPath.Vector128 => Compute<TStorage, T, Vector128<T>, Vector128Ops<T>>(weights, length, out invalidIndex),
            _ => Compute<TStorage, T, T, ScalarOps<T>>(weights, length, out invalidIndex),
        };

    private static double Compute<TStorage, T, TVec, TOps>(TStorage* weights, long length, out long invalidIndex)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
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
                ReadOnlySpan<T> values = block[..count];
                if (typeof(TStorage) == typeof(T))
                    values = new ReadOnlySpan<T>((T*)(weights + start), count);
                else
                    ElementStorage.ToCompute<TStorage, T, TVec, TOps>(weights + start, count, block);

                if (FirstInvalid<T, TVec, TOps>(values) is var invalid and >= 0)
                {
                    invalidIndex = start + invalid;
                    return double.NaN;
                }

                CanonicalSum.Accumulate<T, TOps>(values, lanes);
            }

            total += CanonicalSum.Combine(lanes);
        }

        return total;
    }

    /// <summary>The index of the first weight that is negative, infinite or NaN, or -1: whole registers tested at once.</summary>
    private static int FirstInvalid<T, TVec, TOps>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
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
            if (!(values[i] >= T.Zero && T.IsFinite(values[i])))
                return i;
        }

        return -1;
    }
}
