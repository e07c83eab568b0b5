using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// A reliability diagram's pass over one chunk: per bin the number of samples and of correct ones (integers, exact in any
/// order) and the confidences' sum in canonical lane i mod 16 (<c>lanes[bin · 16 + lane]</c>, combined per chunk). Float
/// data in at most 15 equal-width bins on the 512-bit path takes <see cref="ExactBinPass"/> for its whole groups.
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
        var start = 0;
        if (typeof(TRule) == typeof(EqualWidthRule) && ExactBinPass.Applies<T>((EqualWidthRule)(object)rule))
        {
            start = confidences.Length / Lanes * Lanes;
            valid = AccumulateExact(MemoryMarshal.Cast<T, float>(confidences[..start]), correct, (EqualWidthRule)(object)rule, counts,
                positives, lanes);
        }

        for (var i = start; i < confidences.Length; i++)
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

    /// <summary>Whole groups by <see cref="ExactBinPass"/>: the confidences' sums, then the counts and positives (each a
    /// sample's 1 + y·2¹⁶, a chunk's totals below 2¹⁶), the first bin's as the whole's less the other bins'.</summary>
    private static bool AccumulateExact(
        ReadOnlySpan<float> confidences, ReadOnlySpan<byte> correct, EqualWidthRule rule, Span<long> counts, Span<double> positives,
        Span<double> lanes)
    {
        var valid = ExactBinPass.AccumulateSums<ConfidenceValue>(confidences, correct, rule, lanes);
        Span<long> bins = stackalloc long[ExactBinPass.MaxBins];
        valid &= ExactBinPass.Accumulate<CountValue>(confidences, correct, rule, default, bins);
        const long countMask = (1L << CountValue.PositivesShift) - 1;
        for (var bin = 0; bin < (int)rule.Bins; bin++)
        {
            counts[bin] += bins[bin] & countMask;
            positives[bin] += bins[bin] >> CountValue.PositivesShift;
        }

        return valid;
    }
}
