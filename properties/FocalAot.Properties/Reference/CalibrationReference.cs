namespace FocalAot.Properties.Reference;

/// <summary>
/// Calibration metrics in float64 from their definitions, independent of the runtime: scikit-learn's bins (the edges
/// numpy's linspace or percentile computes, and a sample's bin = the number of interior edges strictly below it, by a
/// linear scan), per-bin means, and compensated sums; temperature scaling by golden-section search of the mean NLL.
/// </summary>
internal static class CalibrationReference
{
    /// <summary>The interior edges e_1 .. e_{B−1}: k·(1/B) (linspace), or the k/B linear-interpolation percentiles.</summary>
    public static double[] InteriorEdges(ReadOnlySpan<double> confidences, int bins, bool equalMass)
    {
        var edges = new double[bins - 1];
        if (!equalMass)
        {
            for (var k = 1; k < bins; k++)
                edges[k - 1] = k * (1.0 / bins);
            return edges;
        }

        var sorted = confidences.ToArray();
        Array.Sort(sorted);
        var last = sorted.Length - 1;
        for (var k = 1; k < bins; k++)
        {
            var index = last * (k * (1.0 / bins) * 100 / 100);
            if (index >= last)
            {
                edges[k - 1] = sorted[last];
                continue;
            }

            var below = (int)Math.Floor(index);
            var weight = index - below;
            var difference = sorted[below + 1] - sorted[below];
            edges[k - 1] = weight >= 0.5 ? sorted[below + 1] - (difference * (1 - weight)) : sorted[below] + (difference * weight);
        }

        return edges;
    }

    /// <summary>Per bin: (count, mean confidence, fraction of positives); NaN means for an empty bin.</summary>
    public static (long[] Counts, double[] MeanConfidences, double[] Accuracies) Bins(
        ReadOnlySpan<double> confidences, ReadOnlySpan<byte> correct, int bins, bool equalMass)
    {
        var edges = confidences.IsEmpty ? new double[bins - 1] : InteriorEdges(confidences, bins, equalMass);
        var counts = new long[bins];
        var confidenceSums = new List<double>[bins];
        var positives = new long[bins];
        for (var b = 0; b < bins; b++)
            confidenceSums[b] = [];
        for (var i = 0; i < confidences.Length; i++)
        {
            var bin = 0;
            foreach (var edge in edges)
                bin += edge < confidences[i] ? 1 : 0;
            counts[bin]++;
            confidenceSums[bin].Add(confidences[i]);
            positives[bin] += correct[i];
        }

        var means = new double[bins];
        var accuracies = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            means[b] = counts[b] == 0 ? double.NaN : ReferenceSum.Of([.. confidenceSums[b]]) / counts[b];
            accuracies[b] = counts[b] == 0 ? double.NaN : (double)positives[b] / counts[b];
        }

        return (counts, means, accuracies);
    }

    /// <summary>Σ_b (n_b / n)·|acc_b − conf_b|; NaN for no samples.</summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<double> confidences, ReadOnlySpan<byte> correct, int bins, bool equalMass)
    {
        var (counts, means, accuracies) = Bins(confidences, correct, bins, equalMass);
        var terms = new List<double>();
        for (var b = 0; b < bins; b++)
        {
            if (counts[b] > 0)
                terms.Add((double)counts[b] / confidences.Length * Math.Abs(accuracies[b] - means[b]));
        }

        return confidences.IsEmpty ? double.NaN : ReferenceSum.Of([.. terms]);
    }

    /// <summary>max over non-empty bins of |acc_b − conf_b|; NaN for no samples.</summary>
    public static double MaximumCalibrationError(ReadOnlySpan<double> confidences, ReadOnlySpan<byte> correct, int bins, bool equalMass)
    {
        var (counts, means, accuracies) = Bins(confidences, correct, bins, equalMass);
        var largest = confidences.IsEmpty ? double.NaN : 0.0;
        for (var b = 0; b < bins; b++)
        {
            if (counts[b] > 0)
                largest = Math.Max(largest, Math.Abs(accuracies[b] - means[b]));
        }

        return largest;
    }

    /// <summary>Each row's largest probability and whether its first arg max is the label.</summary>
    public static (double[] Confidences, byte[] Correct) TopLabel(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        var confidences = new double[labels.Length];
        var correct = new byte[labels.Length];
        for (var row = 0; row < labels.Length; row++)
        {
            var values = probabilities.Slice(row * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
                best = values[k] > values[best] ? k : best;
            confidences[row] = values[best];
            correct[row] = best == labels[row] ? (byte)1 : (byte)0;
        }

        return (confidences, correct);
    }

    /// <summary>Mean over classes of the one-vs-rest ECE of each column.</summary>
    public static double ClasswiseExpectedCalibrationError(
        ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, int classes, int bins, bool equalMass)
    {
        var errors = new double[classes];
        for (var k = 0; k < classes; k++)
        {
            var column = new double[labels.Length];
            var isClass = new byte[labels.Length];
            for (var row = 0; row < labels.Length; row++)
            {
                column[row] = probabilities[(row * classes) + k];
                isClass[row] = labels[row] == k ? (byte)1 : (byte)0;
            }

            errors[k] = ExpectedCalibrationError(column, isClass, bins, equalMass);
        }

        return ReferenceSum.Of(errors) / classes;
    }

    /// <summary>Mean over samples of Σ_k (p_k − onehot_k)²; binary inputs are the two-class rows [1 − p, p] halved.</summary>
    public static double MultiClassBrier(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        var terms = new double[labels.Length * classes];
        for (var i = 0; i < terms.Length; i++)
        {
            var gap = probabilities[i] - (i % classes == labels[i / classes] ? 1 : 0);
            terms[i] = gap * gap;
        }

        return ReferenceSum.Of(terms) / labels.Length;
    }

    /// <summary>Mean −log(clamp(p_label, ε, 1 − ε)).</summary>
    public static double MultiClassLogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, int classes, double epsilon)
    {
        var terms = new double[labels.Length];
        for (var row = 0; row < labels.Length; row++)
            terms[row] = -Math.Log(Math.Min(Math.Max(probabilities[(row * classes) + labels[row]], epsilon), 1 - epsilon));
        return ReferenceSum.Of(terms) / labels.Length;
    }

    /// <summary>The mean NLL of softmax(z / T) over rows, by log-sum-exp.</summary>
    public static double SoftmaxLogLoss(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int classes, double temperature)
    {
        var terms = new double[labels.Length];
        for (var row = 0; row < labels.Length; row++)
        {
            var z = logits.Slice(row * classes, classes);
            var top = Max(z);
            var exponentials = new double[classes];
            for (var k = 0; k < classes; k++)
                exponentials[k] = Math.Exp((z[k] - top) / temperature);
            terms[row] = Math.Log(ReferenceSum.Of(exponentials)) - ((z[labels[row]] - top) / temperature);
        }

        return ReferenceSum.Of(terms) / labels.Length;
    }

    /// <summary>d/dT of <see cref="SoftmaxLogLoss"/>: mean (z_label − E_p[z]) / T².</summary>
    public static double SoftmaxLogLossSlope(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int classes, double temperature)
    {
        var terms = new double[labels.Length];
        for (var row = 0; row < labels.Length; row++)
        {
            var z = logits.Slice(row * classes, classes);
            var top = Max(z);
            double mass = 0, moment = 0;
            for (var k = 0; k < classes; k++)
            {
                var weight = Math.Exp((z[k] - top) / temperature);
                mass += weight;
                moment += weight * z[k];
            }

            terms[row] = (z[labels[row]] - (moment / mass)) / (temperature * temperature);
        }

        return ReferenceSum.Of(terms) / labels.Length;
    }

    /// <summary>The minimizer of <paramref name="loss"/> over log T in [log low, log high], by golden-section search to
    /// 1e-12 in log T (the loss need only be unimodal there).</summary>
    public static double GoldenSectionTemperature(Func<double, double> loss, double low = 1e-2, double high = 1e2)
    {
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = Math.Log(low), b = Math.Log(high);
        while (b - a > 1e-12)
        {
            var left = b - (ratio * (b - a));
            var right = a + (ratio * (b - a));
            if (loss(Math.Exp(left)) < loss(Math.Exp(right)))
                b = right;
            else
                a = left;
        }

        return Math.Exp((a + b) / 2);
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        var top = double.NegativeInfinity;
        foreach (var value in values)
            top = Math.Max(top, value);
        return top;
    }
}
