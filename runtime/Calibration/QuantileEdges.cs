using System.Buffers;

namespace FocalAot.Calibration;

/// <summary>
/// The interior edges of equal-mass bins, computed as numpy's <c>percentile(c, linspace(0, 1, B + 1) * 100)</c> computes
/// them (method 'linear'), operation for operation, so a confidence that equals an edge falls in the same bin.
/// </summary>
internal static class QuantileEdges
{
    /// <summary>The B − 1 interior edges of <paramref name="sorted"/> (ascending, at least one value) into a rented array.</summary>
    public static double[] Of(ReadOnlySpan<double> sorted, int bins)
    {
        var edges = ArrayPool<double>.Shared.Rent(Math.Max(bins - 1, 1));
        var step = 1.0 / bins;
        var last = sorted.Length - 1;
        for (var k = 1; k < bins; k++)
        {
            // linspace's k·step, then percentile's q·100 / 100 and the virtual index (n − 1)·q.
            var quantile = k * step * 100 / 100;
            var index = last * quantile;
            if (index >= last)
            {
                edges[k - 1] = sorted[last];
                continue;
            }

            var previous = Math.Floor(index);
            var weight = index - previous;
            var below = sorted[(int)previous];
            var above = sorted[(int)previous + 1];
            var difference = above - below;
            edges[k - 1] = weight >= 0.5 ? above - (difference * (1 - weight)) : below + (difference * weight);
        }

        return edges;
    }
}
