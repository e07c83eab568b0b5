using System.Globalization;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The argument rules of the sigmoid focal-loss operations and the errors that name a broken one; every backend (the
/// CPU drivers, the OpenCL path) applies the same rules with the same messages.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208",
    Justification = "Errors name the option (alpha, classAlpha, weights, reduction) that breaks its rule.")]
internal static class SigmoidFocalRules<TStorage>
    where TStorage : unmanaged
{
    /// <summary>α, class α, the weights' length and the reduction (which must match <paramref name="reduced"/>).</summary>
    public static void ValidateOptions(in FocalLossOptions<TStorage> options, int length, bool reduced)
    {
        var alpha = options.Alpha;
        if (double.IsNaN(alpha) || alpha > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
                "alpha must be in [0, 1], or negative to switch the alpha weighting off.");
        }

        if (options.LabelSmoothing != 0)
        {
            throw new ArgumentOutOfRangeException("labelSmoothing", options.LabelSmoothing,
                "labelSmoothing applies to SoftmaxFocalLoss only; the sigmoid form takes it as 0.");
        }

        FocalFamilyRules.Validate(options);
        var classAlpha = options.ClassAlpha;
        for (var c = 0; c < classAlpha.Length; c++)
        {
            if (!(classAlpha[c] >= 0 && classAlpha[c] <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(classAlpha), classAlpha[c],
                    string.Create(CultureInfo.InvariantCulture,
                        $"classAlpha[{c}] = {classAlpha[c]} is invalid: every class alpha must be in [0, 1]."));
            }
        }

        if (!options.Weights.IsEmpty)
            RequireSameLength(options.Weights.Length, length, "weights");

        var reduction = options.Reduction;
        if (reduced && !reduction.IsReduced)
        {
            throw new ArgumentException(
                "reduction must be Sum, Mean, Normalized(normalizer) or WeightedMean for a reduced result; " +
                "per-element results are written by the overloads that take an output span.", nameof(reduction));
        }

        if (!reduced && reduction.IsReduced)
        {
            throw new ArgumentException(
                $"reduction is {reduction}, but this overload writes per-element results (reduction None); " +
                "call the overload that returns the reduced loss.", nameof(reduction));
        }
    }

    public static void RequireSameLength(int length, int logitsLength, string parameterName)
    {
        if (length != logitsLength)
        {
            throw new ArgumentException(
                $"{parameterName} has {length} elements but logits has {logitsLength}; they must have the same length.",
                parameterName);
        }
    }

    /// <summary>The error of the first target outside [0, 1] or NaN, or null when every target is valid.</summary>
    public static ArgumentOutOfRangeException? InvalidTarget(ReadOnlySpan<TStorage> targets)
    {
        for (var i = 0; i < targets.Length; i++)
        {
            var y = ElementStorage.ToDouble(targets[i]);
            if (!(y >= 0 && y <= 1))
            {
                return new ArgumentOutOfRangeException(nameof(targets), targets[i],
                    string.Create(CultureInfo.InvariantCulture,
                        $"targets[{i}] = {targets[i]} is invalid: every target must be in [0, 1] and not NaN."));
            }
        }

        return null;
    }
}
