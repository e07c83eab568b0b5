using BenchmarkDotNet.Attributes;

namespace FocalAot.Benchmarks;

/// <summary>
/// What the options cost: the fused γ = 2 mean with per-element weights (mean and weighted mean) and with one α per
/// class (C = 80, element i of class i mod C) against the plain call (the baseline: one scalar α, no weights), float,
/// one thread, 2^20 elements.
/// </summary>
public class OptionsCost : FloatInputs
{
    /// <summary>The classes of the per-class α benchmark (COCO's 80).</summary>
    public const int Classes = 80;

    private float[] weights = [];
    private double[] classAlpha = [];

    [Params(1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.RequireSpecialized(2.0);
        CreateInputs(N);
        weights = BenchmarkData.CreateWeights(N);
        classAlpha = BenchmarkData.CreateClassAlpha(Classes);
    }

    [Benchmark(Baseline = true)]
    public float FusedPlain()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FusedWeights()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { Weights = weights, Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FusedWeightedMean()
        => SigmoidFocalLoss.ForwardBackward<float>(
            Logits, Targets, Gradient, new() { Weights = weights, Reduction = FocalReduction.WeightedMean });

    [Benchmark]
    public float FusedClassAlpha()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { ClassAlpha = classAlpha, Reduction = FocalReduction.Mean });
}
