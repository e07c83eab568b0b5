using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>The Brier score and the negative log-likelihood: a mean of per-sample scores, summed in the canonical order.</summary>
internal static class ProbabilityScores
{
    /// <summary>Mean (p − y)²; NaN for no samples. The vector pass's bits where it applies; on invalid input this pass
    /// names the first invalid sample.</summary>
    public static double BinaryBrier<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (BrierKernel.Applies && BrierKernel.TrySum(confidences, labels, out var total))
            return total / confidences.Length;

        var sum = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var i = 0; i < confidences.Length; i++)
        {
            var gap = Binary(confidences, labels, i) - labels[i];
            sum.Add(gap * gap);
        }

        return sum.Total() / confidences.Length;
    }

    /// <summary>Mean over rows of Σ_k (p_k − 1[k = label])², the classes added in order; NaN for no rows.</summary>
    public static double MultiClassBrier<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var sum = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var row = 0; row < labels.Length; row++)
        {
            var label = CalibrationRules.RequireClass(labels[row], classes, row);
            var score = 0.0;
            for (var k = 0; k < classes; k++)
            {
                var gap = Probability(probabilities, (row * classes) + k) - (k == label ? 1 : 0);
                score += gap * gap;
            }

            sum.Add(score);
        }

        return sum.Total() / labels.Length;
    }

    /// <summary>Mean −log of the probability given to the label, clamped to [ε, 1 − ε] (ε: <typeparamref name="T"/>'s machine
    /// epsilon); the positive class's probability is clamped before 1 − p is formed. NaN for no samples.</summary>
    public static double BinaryLogLoss<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var epsilon = Epsilon<T>();
        var sum = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var i = 0; i < confidences.Length; i++)
        {
            var p = Math.Clamp(Binary(confidences, labels, i), epsilon, 1 - epsilon);
            sum.Add(-Math.Log(labels[i] == 1 ? p : 1 - p));
        }

        return sum.Total() / confidences.Length;
    }

    /// <summary>Mean −log p_label with p_label clamped to [ε, 1 − ε]; rows are taken as given (not renormalized).</summary>
    public static double MultiClassLogLoss<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var epsilon = Epsilon<T>();
        var sum = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var row = 0; row < labels.Length; row++)
        {
            var label = CalibrationRules.RequireClass(labels[row], classes, row);
            for (var k = 0; k < classes; k++)
                Probability(probabilities, (row * classes) + k);
            sum.Add(-Math.Log(Math.Clamp(Probability(probabilities, (row * classes) + label), epsilon, 1 - epsilon)));
        }

        return sum.Total() / labels.Length;
    }

    /// <summary>The machine epsilon of the element type (2⁻²³ for float, 2⁻⁵² for double), scikit-learn's eps="auto".</summary>
    public static double Epsilon<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => double.CreateTruncating(T.BitIncrement(T.One) - T.One);

    private static double Binary<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels, int i)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CalibrationRules.RequireBinaryLabel(labels[i], nameof(labels), i);
        CalibrationRules.RequireProbability(confidences[i], nameof(confidences), i);
        return double.CreateTruncating(confidences[i]);
    }

    private static double Probability<T>(ReadOnlySpan<T> probabilities, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CalibrationRules.RequireProbability(probabilities[index], nameof(probabilities), index);
        return double.CreateTruncating(probabilities[index]);
    }
}
