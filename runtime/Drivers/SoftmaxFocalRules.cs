using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Numerics;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>The argument rules of the softmax focal-loss operations, and the errors that name a broken one.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208",
    Justification = "Errors name the option (gamma, alpha, classAlpha, weights, labelSmoothing, reduction) that breaks its rule.")]
internal static class SoftmaxFocalRules<TStorage>
    where TStorage : unmanaged
{
    /// <summary>Checks the shape, the targets and every option; returns the number of samples (rows, or N·S positions).</summary>
    public static int Validate<TTarget>(
        ReadOnlySpan<TStorage> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<TStorage> options,
        bool reduced)
        where TTarget : unmanaged
    {
        var rows = ValidateCall<TTarget>(logits.Length, targets.Length, shape, options, reduced);
        if (InvalidTarget(targets, shape, options.IgnoreIndex) is { } error)
            throw error;
        return rows;
    }

    /// <summary>
    /// Every rule but the targets' values (a device checks those as it reads them): the shape, the lengths, the options
    /// and the weights in <paramref name="options"/>; returns the number of samples.
    /// </summary>
    public static int ValidateCall<TTarget>(int logitsLength, int targetsLength, SoftmaxShape shape, in FocalLossOptions<TStorage> options,
        bool reduced)
        where TTarget : unmanaged
    {
        if (!ElementStorage.IsSupported<TStorage>())
        {
            throw new NotSupportedException(
                $"Element type {typeof(TStorage).Name} is not supported; use float, double, Half or BFloat16.");
        }

        var classes = shape.Classes;
        if (classes < 1)
            throw new ArgumentOutOfRangeException("classes", classes, "classes must be >= 1.");
        if (shape.Spatial < 1)
            throw new ArgumentOutOfRangeException("spatial", shape.Spatial, "spatial (S of [N, C, S] logits) must be >= 1.");
        if (logitsLength % shape.SampleLength != 0)
        {
            throw new ArgumentException(shape.Spatial == 1
                ? $"logits has {logitsLength} elements, which is not a multiple of classes = {classes}; logits must be [N, C] row-major."
                : $"logits has {logitsLength} elements, which is not a multiple of classes * spatial = {shape.SampleLength}; logits must "
                    + "be [N, C, S].",
                "logits");
        }

        var rows = logitsLength / classes;
        if (IsIndexType<TTarget>())
        {
            var rule = shape.Spatial == 1 ? "one class index per row" : "one class index per position, [N, S]";
            RequireLength(targetsLength, rows, "targets", rule);
        }
        else if (typeof(TTarget) == typeof(TStorage))
        {
            RequireLength(targetsLength, logitsLength, "targets",
                shape.Spatial == 1 ? "one probability per logit, [N, C]" : "one probability per logit, [N, C, S]");
        }
        else
        {
            throw new NotSupportedException(
                $"Targets of type {typeof(TTarget).Name} are not supported: pass class indices (int or long) or probabilities of the logits' type.");
        }

        FocalFamilyRules.Validate(options);
        if (!GammaRange.Contains(options.Gamma))
            throw new ArgumentOutOfRangeException("gamma", options.Gamma, GammaRange.Rule + ".");
        if (double.IsNaN(options.Alpha) || options.Alpha > 1)
            throw new ArgumentOutOfRangeException("alpha", options.Alpha, "alpha must be in [0, 1], or negative to switch the alpha weighting off.");
        if (!(options.LabelSmoothing >= 0 && options.LabelSmoothing <= 1))
            throw new ArgumentOutOfRangeException("labelSmoothing", options.LabelSmoothing, "labelSmoothing must be in [0, 1].");

        var classAlpha = options.ClassAlpha;
        if (!classAlpha.IsEmpty)
        {
            RequireLength(classAlpha.Length, classes, "classAlpha", "one alpha per class");

            // The rows compute in float for float, Half and BFloat16 data, where a larger alpha would be ∞.
            var computesInDouble = typeof(TStorage) == typeof(double);
            var largest = computesInDouble ? double.MaxValue : float.MaxValue;
            for (var c = 0; c < classAlpha.Length; c++)
            {
                if (!(classAlpha[c] >= 0 && classAlpha[c] <= largest))
                {
                    var range = computesInDouble ? "" : string.Create(CultureInfo.InvariantCulture,
                        $", and at most {float.MaxValue} (float's largest) where the logits are 16- or 32-bit floats");
                    throw new ArgumentOutOfRangeException("classAlpha", classAlpha[c], string.Create(CultureInfo.InvariantCulture,
                        $"classAlpha[{c}] = {classAlpha[c]} is invalid: every class alpha must be finite and >= 0{range}."));
                }
            }
        }

        if (!options.Weights.IsEmpty)
        {
            RequireLength(options.Weights.Length, rows, "weights", shape.Spatial == 1 ? "one weight per row" : "one weight per position, [N, S]");
            if (WeightRule.FirstBroken(options.Weights) is { } error)
                throw error;
        }

        if (reduced != options.Reduction.IsReduced)
        {
            throw new ArgumentException(reduced
                ? "reduction must be Sum, Mean, Normalized(normalizer) or WeightedMean for a reduced result; per-sample results "
                    + "are written by the overloads that take an output span."
                : $"reduction is {options.Reduction}, but this overload writes per-sample results (reduction None); call the "
                    + "overload that returns the reduced loss.",
                "reduction");
        }

        return rows;
    }

    public static bool IsIndexType<TTarget>() => typeof(TTarget) == typeof(int) || typeof(TTarget) == typeof(long);

    public static void RequireLength(int length, int expected, string parameterName, string rule)
    {
        if (length != expected)
            throw new ArgumentException($"{parameterName} has {length} elements but must have {expected} ({rule}).", parameterName);
    }

    /// <summary>The error naming the first invalid target (its row, and class for a probability), or null.</summary>
    public static ArgumentOutOfRangeException? InvalidTarget<TTarget>(ReadOnlySpan<TTarget> targets, SoftmaxShape shape, long ignoreIndex)
        where TTarget : unmanaged
    {
        if (typeof(TTarget) == typeof(int))
            return InvalidIndex(MemoryMarshal.Cast<TTarget, int>(targets), shape.Classes, ignoreIndex);
        if (typeof(TTarget) == typeof(long))
            return InvalidIndex(MemoryMarshal.Cast<TTarget, long>(targets), shape.Classes, ignoreIndex);

        var probabilities = MemoryMarshal.Cast<TTarget, TStorage>(targets);
        for (var i = FirstOutsideUnitInterval(probabilities); i < probabilities.Length; i++)
        {
            var y = ElementStorage.ToDouble(probabilities[i]);
            if (!(y >= 0 && y <= 1))
            {
                var at = shape.Spatial == 1 ? $" (row {i / shape.Classes}, class {i % shape.Classes})" : string.Empty;
                return new ArgumentOutOfRangeException(nameof(targets), y,
                    string.Create(CultureInfo.InvariantCulture, $"targets[{i}]{at} = {y} is invalid: ")
                    + "every target probability must be in [0, 1] and not NaN.");
            }
        }

        return null;
    }

    /// <summary>Where a scalar scan must start: past the whole vectors whose every value is in [0, 1] (NaN is not).</summary>
    private static int FirstOutsideUnitInterval(ReadOnlySpan<TStorage> values)
        => typeof(TStorage) == typeof(float) ? WholeVectorsInUnitInterval(MemoryMarshal.Cast<TStorage, float>(values))
            : typeof(TStorage) == typeof(double) ? WholeVectorsInUnitInterval(MemoryMarshal.Cast<TStorage, double>(values))
            : 0;

    private static int WholeVectorsInUnitInterval<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            while (i < vectors.Length && Vector.GreaterThanOrEqualAll(vectors[i], Vector<T>.Zero)
                && Vector.LessThanOrEqualAll(vectors[i], Vector<T>.One))
            {
                i++;
            }

            i *= Vector<T>.Count;
        }

        return i;
    }

    /// <summary>The first class index outside [0, classes) and not the ignore index (a vectorized search), or null.</summary>
    private static ArgumentOutOfRangeException? InvalidIndex<TIndex>(ReadOnlySpan<TIndex> targets, int classes, long ignoreIndex)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        var last = TIndex.CreateTruncating(classes - 1);
        for (var start = 0; ;)
        {
            var found = targets[start..].IndexOfAnyExceptInRange(TIndex.Zero, last);
            if (found < 0)
                return null;
            var row = start + found;
            var index = long.CreateTruncating(targets[row]);
            if (index != ignoreIndex)
            {
                return new ArgumentOutOfRangeException(nameof(targets), index, string.Create(CultureInfo.InvariantCulture,
                    $"targets[{row}] = {index} is invalid: a class index must be in [0, {classes}) or equal ignoreIndex ({ignoreIndex})."));
            }

            start = row + 1;
        }
    }
}
