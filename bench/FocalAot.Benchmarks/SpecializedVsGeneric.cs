using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FocalAot.Benchmarks;

/// <summary>
/// The built-in specialized kernel for γ (what the public API dispatches to) against the generic exp(γ·log q)
/// kernel (the same call with <see cref="FocalLossOptions{T}.ForceGenericKernel"/>), float, one thread, mean
/// reduction. The generic kernel is the baseline of each (category, γ, N) group.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SpecializedVsGeneric : FloatInputs
{
    [Params(2.0, 0.5, 3.0)]
    public double Gamma { get; set; }

    [Params(4096, 1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.RequireSpecialized(Gamma);
        CreateInputs(N);
    }

    [BenchmarkCategory("forward"), Benchmark(Baseline = true)]
    public float ForwardGeneric()
        => SigmoidFocalLoss.Forward<float>(Logits, Targets, Options(forceGeneric: true));

    [BenchmarkCategory("forward"), Benchmark]
    public float ForwardSpecialized()
        => SigmoidFocalLoss.Forward<float>(Logits, Targets, Options(forceGeneric: false));

    [BenchmarkCategory("fused"), Benchmark(Baseline = true)]
    public float FusedGeneric()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, Options(forceGeneric: true));

    [BenchmarkCategory("fused"), Benchmark]
    public float FusedSpecialized()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, Options(forceGeneric: false));

    private FocalLossOptions<float> Options(bool forceGeneric)
        => new() { Gamma = Gamma, Reduction = FocalReduction.Mean, ForceGenericKernel = forceGeneric };
}
