using System.Numerics;

namespace FocalAot.Properties.Reference;

/// <summary>The float64 reference sum of a call's losses: per-element reference losses, added with compensation.</summary>
internal static class ReferenceSum
{
    /// <summary>The reference loss of every element, read from the element type under test.</summary>
    public static double[] LossesOf<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = new double[logits.Length];
        for (var i = 0; i < losses.Length; i++)
            losses[i] = FocalReference.Loss(double.CreateTruncating(logits[i]), double.CreateTruncating(targets[i]), gamma, alpha);
        return losses;
    }

    /// <summary>The reference loss of every element times its weight (0 at weight 0, whatever the logit), with a
    /// per-element α; <paramref name="weights"/> empty for none.</summary>
    public static double[] LossesOf<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, Func<int, double> alphaAt, ReadOnlySpan<double> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = new double[logits.Length];
        for (var i = 0; i < losses.Length; i++)
        {
            var weight = weights.IsEmpty ? 1.0 : weights[i];
            losses[i] = weight == 0 ? 0.0 : weight * FocalReference.Loss(
                double.CreateTruncating(logits[i]), double.CreateTruncating(targets[i]), gamma, alphaAt(i));
        }

        return losses;
    }

    /// <summary>A compensated (Neumaier) sum, accurate to about one ulp of the total.</summary>
    public static double Of(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        var compensation = 0.0;
        foreach (var value in values)
        {
            var next = sum + value;
            compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - next) + value : (value - next) + sum;
            sum = next;
        }

        // With an infinite or NaN term the compensation is NaN; the plain sum is then the answer.
        return double.IsFinite(sum) ? sum + compensation : sum;
    }
}
