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
