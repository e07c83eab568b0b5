using BenchmarkDotNet.Attributes;

namespace FocalAot.Benchmarks;

/// <summary>
/// Calibration metrics of float predictions on one thread: the expected calibration error with 15 equal-width bins (the
/// vectorized binning pass), with equal-mass bins (a sort first), the reliability diagram and the Brier score. The
/// confidences are σ of the benchmark logits, the labels drawn from them (a calibrated model).
/// </summary>
public class CalibrationCost
{
    private float[] confidences = [];
    private byte[] labels = [];
    private readonly long[] counts = new long[CalibrationMetrics.DefaultBins];
    private readonly double[] meanConfidences = new double[CalibrationMetrics.DefaultBins];
    private readonly double[] accuracies = new double[CalibrationMetrics.DefaultBins];

    [Params(1 << 20, 1 << 24)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        FocalRuntime.MaxDegreeOfParallelism = 1;
        var (logits, _) = BenchmarkData.Create(N);
        var random = new Random(BenchmarkData.Seed);
        confidences = [.. logits.Select(x => 1 / (1 + MathF.Exp(-x)))];
        labels = [.. confidences.Select(c => random.NextDouble() < c ? (byte)1 : (byte)0)];
    }

    [Benchmark(Baseline = true)]
    public double ExpectedCalibrationError() => CalibrationMetrics.ExpectedCalibrationError<float>(confidences, labels);

    [Benchmark]
    public double ExpectedCalibrationErrorEqualMass()
        => CalibrationMetrics.ExpectedCalibrationError<float>(confidences, labels, binning: CalibrationBinning.EqualMass);

    [Benchmark]
    public long ReliabilityDiagram()
    {
        CalibrationMetrics.ReliabilityDiagram<float>(confidences, labels, counts, meanConfidences, accuracies);
        return counts[0];
    }

    [Benchmark]
    public double BrierScore() => CalibrationMetrics.BrierScore<float>(confidences, labels);
}
