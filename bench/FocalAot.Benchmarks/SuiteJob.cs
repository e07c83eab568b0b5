using BenchmarkDotNet.Jobs;

namespace FocalAot.Benchmarks;

/// <summary>The suite's one short job (a few minutes on 2 cores): 3 warm-up and 8 measured iterations of ~250 ms.</summary>
internal static class SuiteJob
{
    public static Job Create() => Job.Default
        .WithWarmupCount(3)
        .WithIterationCount(8)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
}
