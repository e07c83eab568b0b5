using System.Globalization;
using System.Numerics;

namespace FocalAot.Calibration;

/// <summary>The argument rules of <see cref="CalibrationMetrics"/>; each error names the argument, the element and the rule.</summary>
internal static class CalibrationRules
{
    public static void RequireBins(int bins, CalibrationBinning binning)
    {
        if (bins < 1 || bins > CalibrationMetrics.MaxBins)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, string.Create(CultureInfo.InvariantCulture,
                $"bins = {bins} is invalid: the number of bins must be in [1, {CalibrationMetrics.MaxBins}]."));
        }

        if (!Enum.IsDefined(binning))
        {
            throw new ArgumentOutOfRangeException(nameof(binning), binning, string.Create(CultureInfo.InvariantCulture,
                $"binning = {(int)binning} is invalid: it must be EqualWidth (0) or EqualMass (1)."));
        }
    }

    public static void RequireSameLength(int length, string name, int expected, string expectedName)
    {
        if (length != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {length} elements but must have as many as {expectedName} ({expected})."), name);
        }
    }

    /// <summary>Rows of <paramref name="classes"/> values, one label per row.</summary>
    public static void RequireRows(int values, string name, int classes, int labels)
    {
        if (classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, string.Create(CultureInfo.InvariantCulture,
                $"classes = {classes} is invalid: there must be at least one class."));
        }

        if ((long)labels * classes != values)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {values} elements but must have labels × classes = {labels} × {classes} (one row per label)."), name);
        }
    }

    public static void RequireProbability<T>(T value, string name, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!(value >= T.Zero && value <= T.One))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}[{index}] = {value} is invalid: every probability must be finite and in [0, 1]."), name);
        }
    }

    public static void RequireBinaryLabel(byte label, string name, int index)
    {
        if (label > 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}[{index}] = {label} is invalid: every binary label must be 0 or 1."), name);
        }
    }

    /// <summary>The label of <paramref name="row"/>, checked to be a class index.</summary>
    public static int RequireClass(int label, int classes, int row, string labels = "labels")
    {
        if ((uint)label >= (uint)classes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{labels}[{row}] = {label} is invalid: every label must be a class index in [0, {classes})."), labels);
        }

        return label;
    }

    public static void RequireFinite<T>(T value, string name, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}[{index}] = {value} is invalid: every logit must be finite."), name);
        }
    }

    /// <summary>The caller's per-bin counts, whose length is the number of bins.</summary>
    public static void RequireBinCount(int length, string name)
    {
        if (length < 1 || length > CalibrationMetrics.MaxBins)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {length} elements but must have one per bin, from 1 to {CalibrationMetrics.MaxBins}."), name);
        }
    }

    /// <summary>A reliability diagram's output, which the pass accumulates into, shares no byte with another argument.</summary>
    public static void RequireApart(ReadOnlySpan<byte> output, string name, ReadOnlySpan<byte> other, string otherName)
    {
        if (output.Overlaps(other))
            throw new ArgumentException($"{name} must not overlap {otherName}.", name);
    }

    /// <summary>The caller's per-bin outputs of a reliability diagram: one element per bin each.</summary>
    public static void RequireBinOutput(int length, string name, int bins)
    {
        if (length != bins)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {length} elements but must have one per bin ({bins})."), name);
        }
    }
}
