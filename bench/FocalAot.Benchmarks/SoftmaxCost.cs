using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FocalAot.Benchmarks;

/// <summary>
/// Softmax focal loss against the project's own softmax cross-entropy (γ = 0, α off: the baseline), fused forward and
/// backward with a mean, float, one thread, about 2^20 logits: COCO's 80 classes and LVIS's 1,203. Also a generic γ,
/// label smoothing (every class's term) and soft targets.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class SoftmaxCost
{
    private float[] logits = [];
    private int[] classIndices = [];
    private float[] probabilities = [];
    private float[] gradient = [];

    [Params(80, 1203)]
    public int Classes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        FocalRuntime.MaxDegreeOfParallelism = 1;
        var rows = (1 << 20) / Classes;
        (logits, _) = BenchmarkData.Create(rows * Classes);
        var random = new Random(BenchmarkData.Seed);
        classIndices = [.. Enumerable.Range(0, rows).Select(_ => random.Next(Classes))];
        probabilities = new float[logits.Length];
        for (var row = 0; row < rows; row++)
            probabilities[(row * Classes) + classIndices[row]] = 1;
        gradient = new float[logits.Length];
    }

    [Benchmark(Baseline = true)]
    public float CrossEntropy() => Fused(new() { Gamma = 0, Alpha = -1, Reduction = FocalReduction.Mean });

    [Benchmark]
    public float Focal() => Fused(new() { Gamma = 2, Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FocalGenericGamma() => Fused(new() { Gamma = 2.2, Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FocalLabelSmoothing() => Fused(new() { Gamma = 2, LabelSmoothing = 0.1, Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FocalSoftTargets()
        => SoftmaxFocalLoss.ForwardBackward<float, float>(
            logits, probabilities, Classes, gradient, new() { Gamma = 2, Reduction = FocalReduction.Mean });

    private float Fused(FocalLossOptions<float> options)
        => SoftmaxFocalLoss.ForwardBackward<float, int>(logits, classIndices, Classes, gradient, options);
}
