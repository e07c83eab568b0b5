using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// A reliability diagram's pass over one chunk: per bin the number of samples and of correct ones (integers, exact in any
/// order) and the confidences' sum in canonical lane i mod 16 (<c>lanes[bin · 16 + lane]</c>, combined per chunk).
/// </summary>
internal static class StatisticsKernel
{
    private const int Lanes = BlockGeometry.CanonicalLanes;

    /// <returns>Whether every confidence was in [0, 1] and every label 0 or 1.</returns>
    public static bool Accumulate<T, TRule>(
        ReadOnlySpan<T> confidences, ReadOnlySpan<byte> correct, TRule rule, Span<long> counts, Span<double> positives, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IBinRule
    {
        var valid = true;
        for (var i = 0; i < confidences.Length; i++)
        {
            var confidence = double.CreateTruncating(confidences[i]);
            var label = correct[i];
            if (!(confidence >= 0 && confidence <= 1) || label > 1)
            {
                valid = false;
                continue;
            }

            var bin = rule.BinOf(confidence);
            counts[bin]++;
            positives[bin] += label;
            lanes[(bin * Lanes) + (i % Lanes)] += confidence;
        }

        return valid;
    }
}
