using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FocalAot.Benchmarks;

/// <summary>
/// What focusing costs: focal loss with γ = 2 against plain binary cross-entropy (γ = 0, the baseline), both through
/// the public API (both built-in specializations), float, one thread, 2^20 elements.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FocusingCost : FloatInputs
{
    [Params(1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.RequireSpecialized(0.0);
        BenchmarkData.RequireSpecialized(2.0);
        CreateInputs(N);
    }

    [BenchmarkCategory("forward"), Benchmark(Baseline = true)]
    public float ForwardBce() => SigmoidFocalLoss.Forward<float>(Logits, Targets, Mean(gamma: 0.0));

    [BenchmarkCategory("forward"), Benchmark]
    public float ForwardFocal() => SigmoidFocalLoss.Forward<float>(Logits, Targets, Mean(gamma: 2.0));

    [BenchmarkCategory("fused"), Benchmark(Baseline = true)]
    public float FusedBce() => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, Mean(gamma: 0.0));

    [BenchmarkCategory("fused"), Benchmark]
    public float FusedFocal() => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, Mean(gamma: 2.0));

    private static FocalLossOptions<float> Mean(double gamma) => new() { Gamma = gamma, Reduction = FocalReduction.Mean };
}
