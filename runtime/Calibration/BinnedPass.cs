using System.Buffers;
using System.Numerics;
using FocalAot.Drivers;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// Runs a binned metric over a source: the bin rule (equal width, or the quantile edges of the source's confidences), the
/// chunks of <see cref="FixedOrderSum.ChunkSize"/> samples in order, the canonical lanes of each chunk combined by the fixed
/// tree (<see cref="CanonicalSum.Combine"/>) and added to the bin totals in chunk order. Scratch memory is on the stack
/// for up to <see cref="StackBins"/> bins, else rented, so a call allocates nothing once the pool is warm.
/// </summary>
internal static class BinnedPass
{
    private const int Lanes = BlockGeometry.CanonicalLanes;

    private const int ChunkSize = FixedOrderSum.ChunkSize;

    private const int StackBins = 32;

    /// <summary>Σ_b |Σ_{i∈b} (c_i − y_i)| / n; NaN for no samples.</summary>
    public static double ExpectedCalibrationError<T, TSource>(scoped in TSource source, int bins, CalibrationBinning binning)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
    {
        if (source.Count == 0)
            return double.NaN;

        double[]? rented = null;
        var buffer = bins <= StackBins ? stackalloc double[StackBins * (Lanes + 1)] : (rented = ArrayPool<double>.Shared.Rent(bins * (Lanes + 1)));
        var gaps = buffer[..bins];
        var lanes = buffer.Slice(bins, bins * Lanes);
        gaps.Clear();
        lanes.Clear();
        try
        {
            if (binning == CalibrationBinning.EqualWidth)
            {
                Gaps<T, TSource, EqualWidthRule>(source, new EqualWidthRule(bins), gaps, lanes);
            }
            else
            {
                var edges = Edges<T, TSource>(source, bins);
                try
                {
                    Gaps<T, TSource, InteriorEdgesRule>(source, new InteriorEdgesRule(edges, bins - 1), gaps, lanes);
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(edges);
                }
            }

            var total = 0.0;
            foreach (var gap in gaps)
                total += Math.Abs(gap);
            return total / source.Count;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>Per bin: the number of samples, the sum of their confidences (into <paramref name="confidenceSums"/>) and the
    /// number of correct ones (into <paramref name="positives"/>, as doubles).</summary>
    public static void Statistics<T, TSource>(
        scoped in TSource source, int bins, CalibrationBinning binning, Span<long> counts, Span<double> confidenceSums, Span<double> positives)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
    {
        counts.Clear();
        confidenceSums.Clear();
        positives.Clear();
        if (source.Count == 0)
            return;

        double[]? rented = null;
        var lanes = bins <= StackBins ? stackalloc double[StackBins * Lanes] : (rented = ArrayPool<double>.Shared.Rent(bins * Lanes));
        lanes = lanes[..(bins * Lanes)];
        lanes.Clear();
        try
        {
            if (binning == CalibrationBinning.EqualWidth)
            {
                Statistics<T, TSource, EqualWidthRule>(source, new EqualWidthRule(bins), counts, confidenceSums, positives, lanes);
            }
            else
            {
                var edges = Edges<T, TSource>(source, bins);
                try
                {
                    Statistics<T, TSource, InteriorEdgesRule>(
                        source, new InteriorEdgesRule(edges, bins - 1), counts, confidenceSums, positives, lanes);
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(edges);
                }
            }
        }
        finally
        {
            if (rented is not null)
                ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static void Gaps<T, TSource, TRule>(scoped in TSource source, TRule rule, Span<double> gaps, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
        where TRule : struct, IBinRule
    {
        using var scratch = new ChunkScratch<T>();
        for (var start = 0; start < source.Count; start += ChunkSize)
        {
            var length = Math.Min(ChunkSize, source.Count - start);
            source.Read(start, length, scratch.Confidences, scratch.Correct, out var confidences, out var correct);
            if (!GapKernel.Accumulate(confidences, correct, rule, lanes))
                ThrowInvalid<T, TSource>(source, start, length);
            CombineLanes(lanes, gaps);
        }
    }

    private static void Statistics<T, TSource, TRule>(
        scoped in TSource source, TRule rule, Span<long> counts, Span<double> confidenceSums, Span<double> positives, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
        where TRule : struct, IBinRule
    {
        using var scratch = new ChunkScratch<T>();
        for (var start = 0; start < source.Count; start += ChunkSize)
        {
            var length = Math.Min(ChunkSize, source.Count - start);
            source.Read(start, length, scratch.Confidences, scratch.Correct, out var confidences, out var correct);
            if (!StatisticsKernel.Accumulate(confidences, correct, rule, counts, positives, lanes))
                ThrowInvalid<T, TSource>(source, start, length);
            CombineLanes(lanes, confidenceSums);
        }
    }

    /// <summary>Adds each bin's chunk total (its 16 lanes by the fixed tree) to the bin's running total, and clears the lanes.</summary>
    private static void CombineLanes(Span<double> lanes, Span<double> totals)
    {
        for (var bin = 0; bin < totals.Length; bin++)
            totals[bin] += CanonicalSum.Combine(lanes.Slice(bin * Lanes, Lanes));
        lanes.Clear();
    }

    /// <summary>The interior quantile edges of the source's confidences, each checked (rented; return it to the pool).</summary>
    private static double[] Edges<T, TSource>(scoped in TSource source, int bins)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
    {
        var sorted = ArrayPool<double>.Shared.Rent(source.Count);
        try
        {
            using var scratch = new ChunkScratch<T>();
            for (var start = 0; start < source.Count; start += ChunkSize)
            {
                var length = Math.Min(ChunkSize, source.Count - start);
                source.Read(start, length, scratch.Confidences, scratch.Correct, out var confidences, out _);
                source.RequireValid(start, length);
                for (var i = 0; i < length; i++)
                    sorted[start + i] = double.CreateTruncating(confidences[i]);
            }

            var values = sorted.AsSpan(0, source.Count);
            RadixSort.SortNonNegative(values);
            return QuantileEdges.Of(values, bins);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sorted);
        }
    }

    /// <summary>Throws the argument error that names the first invalid input of a chunk a kernel flagged.</summary>
    private static void ThrowInvalid<T, TSource>(scoped in TSource source, int start, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
    {
        source.RequireValid(start, length);
        throw new InvalidOperationException("A calibration kernel flagged a chunk whose inputs are all valid.");
    }

    /// <summary>Rented per-call scratch for sources that derive their pairs (top label, one class).</summary>
    private readonly struct ChunkScratch<T> : IDisposable
        where T : unmanaged
    {
        private readonly T[] confidences = ArrayPool<T>.Shared.Rent(ChunkSize);
        private readonly byte[] correct = ArrayPool<byte>.Shared.Rent(ChunkSize);

        public ChunkScratch()
        {
        }

        public Span<T> Confidences => confidences;

        public Span<byte> Correct => correct;

        public void Dispose()
        {
            ArrayPool<T>.Shared.Return(confidences);
            ArrayPool<byte>.Shared.Return(correct);
        }
    }
}
