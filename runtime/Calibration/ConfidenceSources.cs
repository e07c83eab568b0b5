using System.Numerics;

namespace FocalAot.Calibration;

/// <summary>
/// Where a binned metric's (confidence, correct) pairs come from, a chunk at a time: the caller's spans themselves, or
/// values derived from rows of class probabilities into scratch spans. A source names its own invalid inputs.
/// </summary>
internal interface IConfidenceSource<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    int Count { get; }

    /// <summary>Pairs [start, start + length): confidences in the element type and 0/1 flags (not yet checked).</summary>
    void Read(int start, int length, Span<T> confidenceScratch, Span<byte> correctScratch,
        out ReadOnlySpan<T> confidences, out ReadOnlySpan<byte> correct);

    /// <summary>Throws the argument error of the first invalid input among pairs [start, start + length), if any.</summary>
    void RequireValid(int start, int length);
}

/// <summary>Binary inputs: the predicted probability of the positive class and a 0/1 label per sample.</summary>
internal readonly ref struct BinarySource<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> labels) : IConfidenceSource<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> confidences = confidences;
    private readonly ReadOnlySpan<byte> labels = labels;

    public int Count => confidences.Length;

    public void Read(int start, int length, Span<T> confidenceScratch, Span<byte> correctScratch,
        out ReadOnlySpan<T> confidences, out ReadOnlySpan<byte> correct)
    {
        confidences = this.confidences.Slice(start, length);
        correct = labels.Slice(start, length);
    }

    public void RequireValid(int start, int length)
    {
        for (var i = start; i < start + length; i++)
        {
            CalibrationRules.RequireProbability(confidences[i], nameof(confidences), i);
            CalibrationRules.RequireBinaryLabel(labels[i], nameof(labels), i);
        }
    }
}

/// <summary>Multi-class top-label inputs: confidence = the row's largest probability, correct = whether its first arg max
/// is the label. Every probability and label is checked while the rows are read.</summary>
internal readonly ref struct TopLabelSource<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
    : IConfidenceSource<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> probabilities = probabilities;
    private readonly ReadOnlySpan<int> labels = labels;

    public int Count => labels.Length;

    public void Read(int start, int length, Span<T> confidenceScratch, Span<byte> correctScratch,
        out ReadOnlySpan<T> confidences, out ReadOnlySpan<byte> correct)
    {
        for (var row = start; row < start + length; row++)
        {
            var values = probabilities.Slice(row * classes, classes);
            var best = 0;
            for (var k = 0; k < classes; k++)
            {
                CalibrationRules.RequireProbability(values[k], nameof(probabilities), (row * classes) + k);
                if (values[k] > values[best])
                    best = k;
            }

            var label = CalibrationRules.RequireClass(labels[row], classes, row);
            confidenceScratch[row - start] = values[best];
            correctScratch[row - start] = best == label ? (byte)1 : (byte)0;
        }

        confidences = confidenceScratch[..length];
        correct = correctScratch[..length];
    }

    /// <summary>Nothing to do: <see cref="Read"/> checks every probability and label of the rows it reads.</summary>
    public void RequireValid(int start, int length)
    {
    }
}

/// <summary>One class of multi-class inputs, one-vs-rest: confidence = p_{i,k}, correct = whether label_i is k.</summary>
internal readonly ref struct ClassColumnSource<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes, int column)
    : IConfidenceSource<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> probabilities = probabilities;
    private readonly ReadOnlySpan<int> labels = labels;

    public int Count => labels.Length;

    public void Read(int start, int length, Span<T> confidenceScratch, Span<byte> correctScratch,
        out ReadOnlySpan<T> confidences, out ReadOnlySpan<byte> correct)
    {
        for (var row = start; row < start + length; row++)
        {
            confidenceScratch[row - start] = probabilities[(row * classes) + column];
            correctScratch[row - start] = CalibrationRules.RequireClass(labels[row], classes, row) == column ? (byte)1 : (byte)0;
        }

        confidences = confidenceScratch[..length];
        correct = correctScratch[..length];
    }

    public void RequireValid(int start, int length)
    {
        for (var row = start; row < start + length; row++)
            CalibrationRules.RequireProbability(probabilities[(row * classes) + column], nameof(probabilities), (row * classes) + column);
    }
}
