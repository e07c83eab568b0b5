using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FocalAot.Benchmarks;

/// <summary>
/// What a CPU without FMA costs: the 128-bit kernels with fused multiply-adds (the baseline job) against the same
/// kernels in a process without FMA (<c>DOTNET_EnableAVX2=0</c>, as on x86-64-v2 CPUs and NativeAOT's default target),
/// which multiply and add. Fused forward and backward and forward alone, mean, γ = 2, float, one thread, 2^20 elements.
/// </summary>
[Config(typeof(Jobs))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MultiplyAddCost : FloatInputs
{
    [Params(1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        FocalRuntime.ActivePath = SimdPath.Vector128;
        CreateInputs(N);
    }

    [BenchmarkCategory("forward"), Benchmark]
    public float Forward() => SigmoidFocalLoss.Forward<float>(Logits, Targets, Mean);

    [BenchmarkCategory("fused"), Benchmark]
    public float Fused() => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, Mean);

    private static FocalLossOptions<float> Mean => new() { Gamma = 2.0, Reduction = FocalReduction.Mean };

    /// <summary>The suite's job twice: as it is (FMA, the baseline), and with the AVX2 group, FMA with it, turned off.</summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            var job = SuiteJob.Create();
            AddJob(job.WithId("FMA").AsBaseline());
            AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")).WithId("no FMA"));
        }
    }
}
