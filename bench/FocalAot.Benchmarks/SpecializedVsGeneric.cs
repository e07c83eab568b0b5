using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FocalAot.Drivers;

namespace FocalAot.Benchmarks;

/// <summary>
/// The built-in specialized kernel for γ (what the public API dispatches to) against the generic exp(γ·log q)
/// kernel, float, one thread. The generic kernel is the baseline of each (category, γ, N) group.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SpecializedVsGeneric
{
    private float[] logits = [];
    private float[] targets = [];
    private float[] gradient = [];

    [Params(2.0, 0.5, 3.0)]
    public double Gamma { get; set; }

    [Params(4096, 1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        FocalRuntime.MaxDegreeOfParallelism = 1;
        BenchmarkData.RequireSpecialized(Gamma);
        (logits, targets) = BenchmarkData.Create(N);
        gradient = new float[N];
    }

    [BenchmarkCategory("forward"), Benchmark(Baseline = true)]
    public float ForwardGeneric()
    {
        var runner = new GenericPowerRunner<float>(Gamma);
        return SigmoidFocalCore<float>.Forward(runner, logits, targets, FocalReduction.Mean, SigmoidFocalLoss.DefaultAlpha);
    }

    [BenchmarkCategory("forward"), Benchmark]
    public float ForwardSpecialized()
        => SigmoidFocalLoss.Forward(logits, targets, FocalReduction.Mean, Gamma);

    [BenchmarkCategory("fused"), Benchmark(Baseline = true)]
    public float FusedGeneric()
    {
        var runner = new GenericPowerRunner<float>(Gamma);
        return SigmoidFocalCore<float>.ForwardBackward(runner, logits, targets, FocalReduction.Mean, gradient, SigmoidFocalLoss.DefaultAlpha);
    }

    [BenchmarkCategory("fused"), Benchmark]
    public float FusedSpecialized()
        => SigmoidFocalLoss.ForwardBackward(logits, targets, FocalReduction.Mean, gradient, Gamma);
}
