using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Every MaxDegreeOfParallelism gives the same bits (calls above 131,072 elements are split across threads).</summary>
public sealed class ThreadIdentityTests
{
    /// <summary>Past the threading threshold, not a multiple of the 16384-element chunk, odd.</summary>
    private const int Length = 300_001;

    private static readonly int[] ThreadCounts = [1, 2, 3, 4, 8];

    // One large case per run and element type, with compact outputs: each case is 300k elements × 5 thread counts ×
    // 6 calls, and the suite also runs on legs where SIMD (or FMA) is emulated in software at ~300 ns per element.

    private static Arbitrary<FocalCase> LargeCases { get; } = Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from labels in Gen.Elements(BulkInputs.Labels.Hard, BulkInputs.Labels.Soft, BulkInputs.Labels.Mixed)
        from gamma in ScalarGenerators.Gamma
        from alpha in ScalarGenerators.Alpha
        select BulkInputs.Create(seed, Length, labels, gamma, alpha));

    /// <summary>Just past the threading threshold (nine chunks): weights with zeros, and a class table sometimes.</summary>
    private const int WeightedLength = 140_001;

    private static Arbitrary<WeightedCase> LargeWeightedCases { get; } = Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from labels in Gen.Elements(BulkInputs.Labels.Hard, BulkInputs.Labels.Soft, BulkInputs.Labels.Mixed)
        from gamma in ScalarGenerators.Gamma
        from alpha in ScalarGenerators.Alpha
        from table in Gen.OneOf(Gen.Constant<double[]?>(null), WeightedCases.ClassAlphaTable.Select(t => (double[]?)t))
        select WithWeights(BulkInputs.Create(seed, WeightedLength, labels, gamma, alpha), seed, table));

    [Property(MaxTest = 1)]
    public Property Float_every_thread_count_gives_identical_bits_with_weights_and_class_alpha()
        => Prop.ForAll(LargeWeightedCases, SamePerThreadCount<float>);

    [Property(MaxTest = 1)]
    public Property Double_every_thread_count_gives_identical_bits_with_weights_and_class_alpha()
        => Prop.ForAll(LargeWeightedCases, SamePerThreadCount<double>);

    [Property(MaxTest = 1)]
    public Property Half_every_thread_count_gives_identical_bits() => Prop.ForAll(LargeWeightedCases, SamePerThreadCount<Half>);

    [Property(MaxTest = 1)]
    public Property BFloat16_every_thread_count_gives_identical_bits() => Prop.ForAll(LargeWeightedCases, SamePerThreadCount<BFloat16>);

    [Property(MaxTest = 1)]
    public Property Float_every_thread_count_gives_identical_bits() => Prop.ForAll(LargeCases, SamePerThreadCount<float>);

    [Property(MaxTest = 1)]
    public Property Double_every_thread_count_gives_identical_bits() => Prop.ForAll(LargeCases, SamePerThreadCount<double>);

    /// <summary>
    /// Calls from several threads at once (each large enough to want the worker pool, which only one call can hold)
    /// give the same bits as the same calls made one at a time.
    /// </summary>
    [Fact]
    public async Task Concurrent_calls_give_the_same_bits_as_calls_one_at_a_time()
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 2;
        var cases = Enumerable.Range(0, 4)
            .Select(k => BulkInputs.Create(seed: 100 + k, 140_001, BulkInputs.Labels.Mixed, gamma: 0.5 + k, alpha: 0.25))
            .ToArray();
        var alone = cases.Select(c => Outputs<float>.Compute(c, compact: true)).ToArray();
        var together = await Task.WhenAll(cases.Select(c => Task.Run(() => Outputs<float>.Compute(c, compact: true))));
        for (var k = 0; k < cases.Length; k++)
            alone[k].AssertSameAs(together[k], $"case {k} concurrent vs alone");
    }

    internal static void SamePerThreadCount<T>(WeightedCase value)
        where T : unmanaged
    {
        using var settings = new RuntimeSettingsScope();
        Outputs<T>? first = null;
        foreach (var threads in ThreadCounts)
        {
            FocalRuntime.MaxDegreeOfParallelism = threads;
            var outputs = Outputs<T>.Compute(value, compact: true);
            if (first is null)
                first = outputs;
            else
                first.AssertSameAs(outputs, $"{typeof(T).Name} {threads} threads vs 1");
        }
    }

    /// <summary>Weights drawn from the case's seed: a quarter exactly 0, the rest uniform in [0, 3).</summary>
    private static WeightedCase WithWeights(FocalCase value, int seed, double[]? classAlpha)
    {
        var random = new Random(seed ^ 0x5A5A5A5A);
        var weights = Enumerable.Range(0, value.Length).Select(_ => random.Next(4) == 0 ? 0.0 : random.NextDouble() * 3).ToArray();
        return new WeightedCase(value, weights, classAlpha);
    }

    internal static void SamePerThreadCount<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var settings = new RuntimeSettingsScope();
        Outputs<T>? first = null;
        foreach (var threads in ThreadCounts)
        {
            FocalRuntime.MaxDegreeOfParallelism = threads;
            var outputs = Outputs<T>.Compute(value, compact: true);
            if (first is null)
                first = outputs;
            else
                first.AssertSameAs(outputs, $"{threads} threads vs 1");
        }
    }
}
