using BenchmarkDotNet.Attributes;

namespace FocalAot.Benchmarks;

/// <summary>
/// The fused γ = 2 mean (public API) at 2^24 elements, float, on 1 thread (the baseline) and on 2 threads
/// (<see cref="FocalRuntime.MaxDegreeOfParallelism"/>).
/// </summary>
public class ThreadScaling : FloatInputs
{
    [Params(1 << 24)]
    public int N { get; set; }

    [GlobalSetup(Target = nameof(FusedOneThread))]
    public void SetupOneThread() => CreateInputs(N, threads: 1);

    [GlobalSetup(Target = nameof(FusedTwoThreads))]
    public void SetupTwoThreads() => CreateInputs(N, threads: 2);

    [GlobalCleanup]
    public void Cleanup() => FocalRuntime.MaxDegreeOfParallelism = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public float FusedOneThread()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public float FusedTwoThreads()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { Reduction = FocalReduction.Mean });

}
