using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Calibration;

namespace FocalAot;

/// <summary>
/// Calibration metrics of predicted probabilities, and temperature scaling: expected and maximum calibration error
/// (equal-width or equal-mass bins), class-wise ECE, the Brier score, the negative log-likelihood, reliability-diagram bins,
/// and the temperature that minimizes the validation NLL of scaled logits.
/// </summary>
/// <remarks>
/// <para>
/// Binary inputs are the predicted probability of the positive class per sample with a label 0 or 1 (confidence = that
/// probability, correct = the label: scikit-learn's <c>calibration_curve</c> convention). Multi-class inputs are rows of
/// <c>classes</c> probabilities (row-major [N, C]) with class-index labels: confidence = the row's largest probability,
/// correct = whether its first arg max is the label. Every probability must be finite and in [0, 1]; rows need not sum to 1.
/// </para>
/// <para>
/// Every sum is formed in double in a fixed order (each bin's and each mean's values in canonical lanes, NUMERICS.md §8), so
/// results are identical bit for bit on every <see cref="SimdPath"/> and thread count; calls run on the calling thread.
/// A binned metric of no samples is NaN, as the mean of nothing. The binned metrics allocate nothing once
/// <see cref="ArrayPool{T}.Shared"/> is warm (up to 32 bins their bin sums are on the stack).
/// </para>
/// </remarks>
public static class CalibrationMetrics
{
    /// <summary>The usual number of bins (Guo et al., 2017).</summary>
    public const int DefaultBins = 15;

    /// <summary>The most bins a binned metric accepts.</summary>
    public const int MaxBins = 4096;

    /// <summary>
    /// Expected calibration error of binary predictions: Σ_b (n_b / n)·|acc_b − conf_b| = Σ_b |Σ_{i∈b} (c_i − y_i)| / n, each
    /// bin's gaps c_i − y_i summed in double in the canonical order.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="confidences">The predicted probability of the positive class per sample, each finite and in [0, 1].</param>
    /// <param name="labels">The label of each sample, 0 or 1; as many as <paramref name="confidences"/>.</param>
    /// <param name="bins">The number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="binning">Equal-width (scikit-learn's 'uniform') or equal-mass ('quantile') bins.</param>
    /// <returns>The ECE in [0, 1]; NaN for no samples.</returns>
    /// <exception cref="ArgumentException">A length differs, bins or binning is out of range, a confidence is outside [0, 1]
    /// or NaN, or a label is not 0 or 1 (the message names the argument and the index).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double ExpectedCalibrationError<T>(
        ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, int bins = DefaultBins, CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireBinary(confidences, labels);
        CalibrationRules.RequireBins(bins, binning);
        return BinnedPass.ExpectedCalibrationError<T, BinarySource<T>>(new BinarySource<T>(confidences, labels), bins, binning);
    }

    /// <summary>Expected calibration error of multi-class predictions, top label: confidence = max_k p_k, correct = whether the
    /// first arg max is the label; otherwise as the binary overload.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]), each finite and in [0, 1].</param>
    /// <param name="labels">The class index of each row, in [0, <paramref name="classes"/>).</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <param name="bins">The number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="binning">Equal-width or equal-mass bins (of the top-label confidences).</param>
    /// <returns>The ECE in [0, 1]; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">probabilities is not labels × classes long, classes &lt; 1, bins or binning is out of
    /// range, a probability is outside [0, 1] or NaN, or a label is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double ExpectedCalibrationError<T>(
        ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins,
        CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        CalibrationRules.RequireBins(bins, binning);
        return BinnedPass.ExpectedCalibrationError<T, TopLabelSource<T>>(new TopLabelSource<T>(probabilities, labels, classes), bins, binning);
    }

    /// <summary>Maximum calibration error of binary predictions: max over non-empty bins of |acc_b − conf_b|, computed as
    /// |Σ_{i∈b} c_i − Σ_{i∈b} y_i| / n_b.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="confidences">The predicted probability of the positive class per sample, each finite and in [0, 1].</param>
    /// <param name="labels">The label of each sample, 0 or 1.</param>
    /// <param name="bins">The number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="binning">Equal-width or equal-mass bins.</param>
    /// <returns>The MCE in [0, 1]; NaN for no samples.</returns>
    /// <exception cref="ArgumentException">As for
    /// <see cref="ExpectedCalibrationError{T}(ReadOnlySpan{T}, ReadOnlySpan{byte}, int, CalibrationBinning)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double MaximumCalibrationError<T>(
        ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, int bins = DefaultBins, CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireBinary(confidences, labels);
        CalibrationRules.RequireBins(bins, binning);
        return MaximumGap<T, BinarySource<T>>(new BinarySource<T>(confidences, labels), bins, binning);
    }

    /// <summary>Maximum calibration error of multi-class predictions, top label.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]).</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <param name="bins">The number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="binning">Equal-width or equal-mass bins.</param>
    /// <returns>The MCE in [0, 1]; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">As for the multi-class ECE.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double MaximumCalibrationError<T>(
        ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins,
        CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        CalibrationRules.RequireBins(bins, binning);
        return MaximumGap<T, TopLabelSource<T>>(new TopLabelSource<T>(probabilities, labels, classes), bins, binning);
    }

    /// <summary>Class-wise ECE: the mean over classes k of the binary ECE of p_{·,k} against 1[label = k] (each class
    /// binned on its own, equal-mass edges from its own column), the classes' ECEs added in class order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]).</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <param name="bins">The number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="binning">Equal-width or equal-mass bins.</param>
    /// <returns>The class-wise ECE in [0, 1]; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">As for the multi-class ECE.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double ClasswiseExpectedCalibrationError<T>(
        ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins,
        CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        CalibrationRules.RequireBins(bins, binning);
        var total = 0.0;
        for (var k = 0; k < classes; k++)
        {
            total += BinnedPass.ExpectedCalibrationError<T, ClassColumnSource<T>>(
                new ClassColumnSource<T>(probabilities, labels, classes, k), bins, binning);
        }

        return total / classes;
    }

    /// <summary>The Brier score of binary predictions: mean (p − y)², as scikit-learn's <c>brier_score_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="confidences">The predicted probability of the positive class per sample, each finite and in [0, 1].</param>
    /// <param name="labels">The label of each sample, 0 or 1.</param>
    /// <returns>The score in [0, 1]; NaN for no samples.</returns>
    /// <exception cref="ArgumentException">A length differs, a confidence is outside [0, 1] or NaN, or a label is not 0 or 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double BrierScore<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireBinary(confidences, labels);
        return ProbabilityScores.BinaryBrier(confidences, labels);
    }

    /// <summary>The multi-class Brier score: mean over rows of Σ_k (p_k − 1[k = label])² (Brier's original definition, in
    /// [0, 2]; for two classes twice the binary score).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]).</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <returns>The score; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">probabilities is not labels × classes long, classes &lt; 1, a probability is outside
    /// [0, 1] or NaN, or a label is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double BrierScore<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        return ProbabilityScores.MultiClassBrier(probabilities, labels, classes);
    }

    /// <summary>The negative log-likelihood of binary predictions: mean −log of the probability given to the label, with p
    /// clamped to [ε, 1 − ε] first (ε = <typeparamref name="T"/>'s machine epsilon: 2⁻²³ for float, 2⁻⁵² for double), as
    /// scikit-learn's <c>log_loss</c> with eps="auto".</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="confidences">The predicted probability of the positive class per sample, each finite and in [0, 1].</param>
    /// <param name="labels">The label of each sample, 0 or 1.</param>
    /// <returns>The mean NLL (finite: at most −log ε); NaN for no samples.</returns>
    /// <exception cref="ArgumentException">A length differs, a confidence is outside [0, 1] or NaN, or a label is not 0 or 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double NegativeLogLikelihood<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireBinary(confidences, labels);
        return ProbabilityScores.BinaryLogLoss(confidences, labels);
    }

    /// <summary>The negative log-likelihood of multi-class predictions: mean −log p_label with p_label clamped to [ε, 1 − ε]
    /// (rows are not renormalized; scikit-learn's <c>log_loss</c> divides by the row sum, which is 1 for a softmax).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]).</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <returns>The mean NLL; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">As for the multi-class Brier score.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double NegativeLogLikelihood<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        return ProbabilityScores.MultiClassLogLoss(probabilities, labels, classes);
    }

    /// <summary>The bins of a reliability diagram of binary predictions (one bin per element of <paramref name="counts"/>):
    /// per bin the number of samples, their mean confidence and their fraction of positives (scikit-learn's
    /// <c>calibration_curve</c> gives the last two for the non-empty bins).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="confidences">The predicted probability of the positive class per sample, each finite and in [0, 1].</param>
    /// <param name="labels">The label of each sample, 0 or 1.</param>
    /// <param name="counts">Receives the number of samples per bin; its length is the number of bins, in [1, <see cref="MaxBins"/>].</param>
    /// <param name="meanConfidences">Receives each bin's mean confidence (NaN for an empty bin); one per bin.</param>
    /// <param name="accuracies">Receives each bin's fraction of positive labels (NaN for an empty bin); one per bin.</param>
    /// <param name="binning">Equal-width or equal-mass bins.</param>
    /// <exception cref="ArgumentException">A length differs, the outputs' lengths differ or are out of range, an output
    /// shares memory with another output or an input, or an input breaks its rule.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static void ReliabilityDiagram<T>(
        ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, Span<long> counts, Span<double> meanConfidences, Span<double> accuracies,
        CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireBinary(confidences, labels);
        RequireBinOutputs(counts, meanConfidences, accuracies, binning, MemoryMarshal.AsBytes(confidences), nameof(confidences), labels);
        BinnedPass.Statistics<T, BinarySource<T>>(
            new BinarySource<T>(confidences, labels), counts.Length, binning, counts, meanConfidences, accuracies);
        ToMeans(counts, meanConfidences, accuracies);
    }

    /// <summary>The bins of a reliability diagram of multi-class predictions, top label: per bin the number of rows, their
    /// mean confidence and their accuracy.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Rows of <paramref name="classes"/> class probabilities (row-major [N, C]).</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <param name="counts">Receives the number of rows per bin; its length is the number of bins.</param>
    /// <param name="meanConfidences">Receives each bin's mean confidence (NaN for an empty bin).</param>
    /// <param name="accuracies">Receives each bin's accuracy (NaN for an empty bin).</param>
    /// <param name="binning">Equal-width or equal-mass bins.</param>
    /// <exception cref="ArgumentException">As for the binary overload and the multi-class ECE.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static void ReliabilityDiagram<T>(
        ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes, Span<long> counts, Span<double> meanConfidences,
        Span<double> accuracies, CalibrationBinning binning = CalibrationBinning.EqualWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireRows(probabilities, labels, classes);
        RequireBinOutputs(
            counts, meanConfidences, accuracies, binning, MemoryMarshal.AsBytes(probabilities), nameof(probabilities), MemoryMarshal.AsBytes(labels));
        BinnedPass.Statistics<T, TopLabelSource<T>>(
            new TopLabelSource<T>(probabilities, labels, classes), counts.Length, binning, counts, meanConfidences, accuracies);
        ToMeans(counts, meanConfidences, accuracies);
    }

    /// <summary>
    /// Temperature scaling of binary logits (Guo et al., 2017): the T &gt; 0 minimizing the mean NLL of σ(z / T) against the
    /// labels, by safeguarded Newton on the exact derivatives in β = 1/T (where the loss is convex), to about 1e-15 relative.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The validation logits, each finite.</param>
    /// <param name="labels">The label of each sample, 0 or 1.</param>
    /// <returns>The temperature; 1 for no samples; +∞ when no T &gt; 0 beats the uniform prediction (the logits point the
    /// wrong way on average); 0 when every label's logit is the largest (z ≥ 0 for label 1, z ≤ 0 for label 0), where the loss
    /// falls for every T.</returns>
    /// <exception cref="ArgumentException">A length differs, a logit is not finite, or a label is not 0 or 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double FitTemperature<T>(ReadOnlySpan<T> logits, ReadOnlySpan<byte> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireElementType<T>();
        CalibrationRules.RequireSameLength(labels.Length, nameof(labels), logits.Length, nameof(logits));
        for (var i = 0; i < logits.Length; i++)
        {
            CalibrationRules.RequireFinite(logits[i], nameof(logits), i);
            CalibrationRules.RequireBinaryLabel(labels[i], nameof(labels), i);
        }

        return logits.IsEmpty ? 1 : TemperatureSolver.Fit(new BinaryTemperatureObjective<T>(logits, labels));
    }

    /// <summary>Temperature scaling of multi-class logits: the T &gt; 0 minimizing the mean NLL of softmax(z / T) against the
    /// labels, as the binary overload.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Rows of <paramref name="classes"/> validation logits (row-major [N, C]), each finite.</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classes">The number of classes C ≥ 1.</param>
    /// <returns>The temperature; 1 for no rows; +∞ or 0 in the limits described for the binary overload.</returns>
    /// <exception cref="ArgumentException">logits is not labels × classes long, classes &lt; 1, a logit is not finite, or a
    /// label is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    public static double FitTemperature<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireElementType<T>();
        CalibrationRules.RequireRows(logits.Length, nameof(logits), classes, labels.Length);
        for (var i = 0; i < logits.Length; i++)
            CalibrationRules.RequireFinite(logits[i], nameof(logits), i);
        for (var row = 0; row < labels.Length; row++)
            CalibrationRules.RequireClass(labels[row], classes, row);

        return labels.IsEmpty ? 1 : TemperatureSolver.Fit(new SoftmaxTemperatureObjective<T>(logits, labels, classes));
    }

    private static double MaximumGap<T, TSource>(scoped in TSource source, int bins, CalibrationBinning binning)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : IConfidenceSource<T>, allows ref struct
    {
        if (source.Count == 0)
            return double.NaN;

        var counts = ArrayPool<long>.Shared.Rent(bins);
        var sums = ArrayPool<double>.Shared.Rent(2 * bins);
        try
        {
            BinnedPass.Statistics<T, TSource>(source, bins, binning, counts.AsSpan(0, bins), sums.AsSpan(0, bins), sums.AsSpan(bins, bins));
            var largest = 0.0;
            for (var b = 0; b < bins; b++)
            {
                if (counts[b] > 0)
                    largest = Math.Max(largest, Math.Abs(sums[b] - sums[bins + b]) / counts[b]);
            }

            return largest;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(counts);
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    /// <summary>Sums per bin become means (NaN for an empty bin).</summary>
    private static void ToMeans(ReadOnlySpan<long> counts, Span<double> meanConfidences, Span<double> accuracies)
    {
        for (var b = 0; b < counts.Length; b++)
        {
            meanConfidences[b] = counts[b] == 0 ? double.NaN : meanConfidences[b] / counts[b];
            accuracies[b] = counts[b] == 0 ? double.NaN : accuracies[b] / counts[b];
        }
    }

    private static void RequireBinary<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels)
        where T : unmanaged
    {
        RequireElementType<T>();
        CalibrationRules.RequireSameLength(labels.Length, nameof(labels), confidences.Length, nameof(confidences));
    }

    private static void RequireRows<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged
    {
        RequireElementType<T>();
        CalibrationRules.RequireRows(probabilities.Length, nameof(probabilities), classes, labels.Length);
    }

    /// <summary>The outputs' lengths and the bins; and, since the pass accumulates into the outputs, that none shares memory
    /// with another or with an input (<paramref name="values"/> and <paramref name="labels"/>, as bytes).</summary>
    private static void RequireBinOutputs(
        Span<long> counts, Span<double> meanConfidences, Span<double> accuracies, CalibrationBinning binning, ReadOnlySpan<byte> values,
        string valuesName, ReadOnlySpan<byte> labels)
    {
        CalibrationRules.RequireBinCount(counts.Length, nameof(counts));
        CalibrationRules.RequireBins(counts.Length, binning);
        CalibrationRules.RequireBinOutput(meanConfidences.Length, nameof(meanConfidences), counts.Length);
        CalibrationRules.RequireBinOutput(accuracies.Length, nameof(accuracies), counts.Length);
        var countBytes = MemoryMarshal.AsBytes(counts);
        var meanBytes = MemoryMarshal.AsBytes(meanConfidences);
        var accuracyBytes = MemoryMarshal.AsBytes(accuracies);
        CalibrationRules.RequireApart(meanBytes, nameof(meanConfidences), countBytes, nameof(counts));
        CalibrationRules.RequireApart(accuracyBytes, nameof(accuracies), countBytes, nameof(counts));
        CalibrationRules.RequireApart(accuracyBytes, nameof(accuracies), meanBytes, nameof(meanConfidences));
        CalibrationRules.RequireApart(countBytes, nameof(counts), values, valuesName);
        CalibrationRules.RequireApart(meanBytes, nameof(meanConfidences), values, valuesName);
        CalibrationRules.RequireApart(accuracyBytes, nameof(accuracies), values, valuesName);
        CalibrationRules.RequireApart(countBytes, nameof(counts), labels, nameof(labels));
        CalibrationRules.RequireApart(meanBytes, nameof(meanConfidences), labels, nameof(labels));
        CalibrationRules.RequireApart(accuracyBytes, nameof(accuracies), labels, nameof(labels));
    }

    private static void RequireElementType<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Calibration metrics compute float or double data, not {typeof(T).Name}.");
    }
}
