using System.Runtime.InteropServices;
using Xunit;

namespace FocalAot.Properties.Calibration;

/// <summary>Every argument rule: the exception type, the parameter it names and a message that states the rule.</summary>
public sealed class CalibrationArgumentTests
{
    public static TheoryData<double> InvalidProbabilities =>
        [-1e-30, -0.5, 1.0000001, 2, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<int> InvalidBins => [0, -1, CalibrationMetrics.MaxBins + 1, int.MinValue];

    [Theory]
    [MemberData(nameof(InvalidProbabilities))]
    public void A_confidence_outside_0_to_1_is_named_by_every_binary_metric(double bad)
    {
        // At index 37: inside a 16-sample group of the vector pass, past its first group.
        var confidences = Enumerable.Repeat(0.5, 70).ToArray();
        confidences[37] = bad;
        var labels = new byte[70];
        var single = confidences.Select(c => (float)c).ToArray();
        foreach (var binning in new[] { CalibrationBinning.EqualWidth, CalibrationBinning.EqualMass })
        {
            AssertNames("confidences", "confidences[37]",
                () => CalibrationMetrics.ExpectedCalibrationError<double>(confidences, labels, 10, binning));
            AssertNames("confidences", "confidences[37]", () => CalibrationMetrics.ExpectedCalibrationError<float>(single, labels, 10, binning));
            AssertNames("confidences", "confidences[37]", () => CalibrationMetrics.MaximumCalibrationError<float>(single, labels, 10, binning));
        }

        AssertNames("confidences", "confidences[37]", () => CalibrationMetrics.BrierScore<double>(confidences, labels));
        AssertNames("confidences", "confidences[37]", () => CalibrationMetrics.NegativeLogLikelihood<float>(single, labels));
    }

    [Theory]
    [MemberData(nameof(InvalidProbabilities))]
    public void A_probability_outside_0_to_1_is_named_by_every_multi_class_metric(double bad)
    {
        var probabilities = Enumerable.Repeat(0.25, 40).ToArray();
        probabilities[22] = bad;
        var labels = new int[10];
        AssertNames("probabilities", "probabilities[22]", () => CalibrationMetrics.ExpectedCalibrationError<double>(probabilities, labels, 4));
        AssertNames("probabilities", "probabilities[22]",
            () => CalibrationMetrics.ClasswiseExpectedCalibrationError<double>(probabilities, labels, 4));
        AssertNames("probabilities", "probabilities[22]", () => CalibrationMetrics.BrierScore<double>(probabilities, labels, 4));
        AssertNames("probabilities", "probabilities[22]", () => CalibrationMetrics.NegativeLogLikelihood<double>(probabilities, labels, 4));
    }

    [Fact]
    public void Labels_must_be_0_or_1_or_a_class_index()
    {
        var labels = new byte[40];
        labels[33] = 2;
        AssertNames("labels", "labels[33] = 2", () => CalibrationMetrics.ExpectedCalibrationError<float>(new float[40], labels));
        AssertNames("labels", "labels[33] = 2", () => CalibrationMetrics.BrierScore<float>(new float[40], labels));
        AssertNames("labels", "labels[33] = 2", () => CalibrationMetrics.FitTemperature<float>(new float[40], labels));
        foreach (var bad in new[] { -1, 4 })
        {
            AssertNames("labels", $"labels[2] = {bad}", () => CalibrationMetrics.ExpectedCalibrationError<double>(new double[12], [0, 1, bad], 4));
            AssertNames("labels", $"labels[2] = {bad}",
                () => CalibrationMetrics.ClasswiseExpectedCalibrationError<double>(new double[12], [0, 1, bad], 4));
            AssertNames("labels", $"labels[2] = {bad}", () => CalibrationMetrics.FitTemperature<double>(new double[12], [0, 1, bad], 4));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidBins))]
    public void Bins_must_be_from_1_to_MaxBins(int bins)
    {
        AssertNames("bins", "bins", () => CalibrationMetrics.ExpectedCalibrationError<float>(new float[3], new byte[3], bins));
        AssertNames("bins", "bins", () => CalibrationMetrics.MaximumCalibrationError<double>(new double[6], new int[3], 2, bins));
    }

    [Fact]
    public void Lengths_classes_and_binning_are_checked()
    {
        AssertNames("labels", "labels has 2", () => CalibrationMetrics.ExpectedCalibrationError<float>(new float[3], new byte[2]));
        AssertNames("probabilities", "probabilities has 5", () => CalibrationMetrics.BrierScore<double>(new double[5], new int[2], 2));
        AssertNames("classes", "classes = 0", () => CalibrationMetrics.NegativeLogLikelihood<double>([], [], 0));
        AssertNames("binning", "binning = 2", () => CalibrationMetrics.ExpectedCalibrationError<double>([0.5], [1], 10, (CalibrationBinning)2));
        AssertNames("counts", "counts has 0", () => CalibrationMetrics.ReliabilityDiagram<double>([0.5], [1], [], [], []));
        AssertNames("accuracies", "accuracies has 3",
            () => CalibrationMetrics.ReliabilityDiagram<double>([0.5], [1], new long[2], new double[2], new double[3]));
        AssertNames("logits", "logits[1]", () => CalibrationMetrics.FitTemperature<double>([0, double.NaN], [0, 1]));
        Assert.Throws<NotSupportedException>(() => CalibrationMetrics.BrierScore<Half>([Half.One], [1]));
    }

    [Fact]
    public void Reliability_outputs_share_memory_with_no_other_argument()
    {
        // The pass accumulates into the outputs: any sharing would read or overwrite a sum mid-pass.
        var confidences = new double[16];
        var labels = new byte[16];
        for (var i = 0; i < 16; i++)
            (confidences[i], labels[i]) = ((i + 0.5) / 16, (byte)(i % 2));
        var sums = new double[4];
        var counts = new long[4];
        AssertNames("accuracies", "accuracies must not overlap meanConfidences.",
            () => CalibrationMetrics.ReliabilityDiagram<double>(confidences, labels, new long[2], sums.AsSpan(0, 2), sums.AsSpan(1, 2)));
        AssertNames("meanConfidences", "meanConfidences must not overlap counts.",
            () => CalibrationMetrics.ReliabilityDiagram<double>(
                confidences, labels, counts.AsSpan(0, 2), MemoryMarshal.Cast<long, double>(counts.AsSpan(1, 2)), new double[2]));
        AssertNames("meanConfidences", "meanConfidences must not overlap confidences.",
            () => CalibrationMetrics.ReliabilityDiagram<double>(confidences, labels, new long[2], confidences.AsSpan(14, 2), new double[2]));
        AssertNames("counts", "counts must not overlap labels.",
            () => CalibrationMetrics.ReliabilityDiagram<double>(
                confidences, labels, MemoryMarshal.Cast<byte, long>(labels.AsSpan()), new double[2], new double[2]));
        var probabilities = new float[] { 0.2f, 0.8f, 0.6f, 0.4f };
        AssertNames("accuracies", "accuracies must not overlap probabilities.",
            () => CalibrationMetrics.ReliabilityDiagram<float>(
                probabilities, [1, 0], 2, new long[1], new double[1], MemoryMarshal.Cast<float, double>(probabilities.AsSpan(0, 2))));

        // Adjacent outputs in one array share no byte.
        CalibrationMetrics.ReliabilityDiagram<double>(confidences, labels, counts.AsSpan(0, 2), sums.AsSpan(0, 2), sums.AsSpan(2, 2));
        Assert.Equal([8L, 8L], counts[..2]);
        Assert.Equal([0.5, 0.5], sums[2..]);
    }

    private static void AssertNames(string parameter, string messageStart, Action call)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, exception.ParamName);
        Assert.StartsWith(messageStart, exception.Message, StringComparison.Ordinal);
    }
}
