using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Calibration;

/// <summary>Every SIMD path and every thread count gives the same bits, for every tail length and a large call.</summary>
public sealed class CalibrationIdentityTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3, 8];

    [Property(MaxTest = 200)]
    public Property Every_SIMD_path_gives_the_bits_of_the_scalar_path() => Prop.ForAll(CalibrationCases.Binary.ToArbitrary(), value =>
    {
        using var scope = new RuntimeSettingsScope();
        var expected = Results(value);
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            Assert.Equal(expected, Results(value));
        }
    });

    [Property(MaxTest = 3)]
    public Property Every_thread_count_and_path_gives_the_same_bits_on_a_large_call() => Prop.ForAll(
        Gen.Choose(0, int.MaxValue).Select(seed => Large(seed, 140_001)).ToArbitrary(), value =>
        {
            using var scope = new RuntimeSettingsScope();
            var expected = Results(value);
            foreach (var threads in ThreadCounts)
            {
                FocalRuntime.MaxDegreeOfParallelism = threads;
                foreach (var path in RuntimeSettingsScope.AvailablePaths)
                {
                    FocalRuntime.ActivePath = path;
                    Assert.Equal(expected, Results(value));
                }
            }
        });

    /// <summary>
    /// The integer pass of float data in up to 15 equal-width bins at its limits: every sample at the largest gap (c = 1,
    /// label 0) or the most negative (just above the first edge, label 1), so its int32 lanes come closest to overflow
    /// before each widening, and every confidence one float ulp either side of an edge, over two chunks and a tail; the
    /// ECE, the MCE and the reliability bins.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void Every_path_gives_the_same_binned_metrics_at_the_integer_pass_limits(int bins)
    {
        const int length = (2 * 16384) + 37;
        var firstEdge = (float)(1.0 / bins);
        var aboveFirstEdge = bins == 1 ? 1f : MathF.BitIncrement(firstEdge);
        var random = new Random(bins);
        float[][] cases =
        [
            [.. Enumerable.Repeat(1f, length)],
            [.. Enumerable.Repeat(aboveFirstEdge, length)],
            [.. Enumerable.Range(0, length).Select(i => Step((float)(random.Next(bins + 1) * (1.0 / bins)), random.Next(-1, 2)))],
        ];
        byte[][] labels =
        [
            new byte[length],
            [.. Enumerable.Repeat((byte)1, length)],
            [.. Enumerable.Range(0, length).Select(_ => (byte)random.Next(2))],
        ];

        using var scope = new RuntimeSettingsScope();
        for (var k = 0; k < cases.Length; k++)
        {
            FocalRuntime.ActivePath = SimdPath.Scalar;
            var expected = EqualWidthResults(cases[k], labels[k], bins);
            foreach (var path in RuntimeSettingsScope.AvailablePaths)
            {
                FocalRuntime.ActivePath = path;
                Assert.Equal(expected, EqualWidthResults(cases[k], labels[k], bins));
            }
        }
    }

    /// <summary>The ECE, the MCE and the reliability bins of float data in equal-width bins, as bits.</summary>
    private static long[] EqualWidthResults(float[] confidences, byte[] labels, int bins)
    {
        var counts = new long[bins];
        var means = new double[bins];
        var accuracies = new double[bins];
        CalibrationMetrics.ReliabilityDiagram<float>(confidences, labels, counts, means, accuracies);
        double[] metrics =
        [
            CalibrationMetrics.ExpectedCalibrationError<float>(confidences, labels, bins),
            CalibrationMetrics.MaximumCalibrationError<float>(confidences, labels, bins),
        ];
        return [.. metrics.Concat(means).Concat(accuracies).Select(BitConverter.DoubleToInt64Bits).Concat(counts)];
    }

    private static float Step(float value, int direction)
        => Math.Clamp(direction switch { < 0 => MathF.BitDecrement(value), > 0 => MathF.BitIncrement(value), _ => value }, 0f, 1f);

    /// <summary>Every binned metric of a case, float and double data, as bits.</summary>
    private static long[] Results(BinaryCase value)
    {
        var counts = new long[value.Bins];
        var means = new double[value.Bins];
        var accuracies = new double[value.Bins];
        CalibrationMetrics.ReliabilityDiagram<float>(value.Singles, value.Labels, counts, means, accuracies, value.Binning);
        double[] metrics =
        [
            CalibrationMetrics.ExpectedCalibrationError<float>(value.Singles, value.Labels, value.Bins, value.Binning),
            CalibrationMetrics.ExpectedCalibrationError<double>(value.Confidences, value.Labels, value.Bins, value.Binning),
            CalibrationMetrics.MaximumCalibrationError<double>(value.Confidences, value.Labels, value.Bins, value.Binning),
            CalibrationMetrics.MaximumCalibrationError<float>(value.Singles, value.Labels, value.Bins, value.Binning),
            CalibrationMetrics.BrierScore<double>(value.Confidences, value.Labels),
            CalibrationMetrics.BrierScore<float>(value.Singles, value.Labels),
            CalibrationMetrics.NegativeLogLikelihood<float>(value.Singles, value.Labels),
        ];
        return [.. metrics.Concat(means).Concat(accuracies).Select(BitConverter.DoubleToInt64Bits).Concat(counts)];
    }

    private static BinaryCase Large(int seed, int length)
    {
        var random = new Random(seed);
        var confidences = new double[length];
        var labels = new byte[length];
        for (var i = 0; i < length; i++)
        {
            confidences[i] = (float)random.NextDouble();
            labels[i] = random.NextDouble() < confidences[i] * confidences[i] ? (byte)1 : (byte)0;
        }

        return new BinaryCase(confidences, labels, 15, seed % 2 == 0 ? CalibrationBinning.EqualWidth : CalibrationBinning.EqualMass);
    }
}
