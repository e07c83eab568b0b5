using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Results that must not depend on how a call is run: the SIMD path, the thread count, the index type of the targets,
/// in place or not, and which operation computes them (fused, forward alone, backward alone).
/// </summary>
public sealed class SoftmaxIdentityTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3, 8];

    private static Arbitrary<SoftmaxCase> IndexCases { get; } = SoftmaxCases.Any.Where(c => c.Indices is not null).ToArbitrary();

    /// <summary>
    /// Three large calls past the threading threshold (160,000, 156,390 and 160,000 logits, about ten chunks each, the
    /// second with rows wider than a vector block, the third with rows short enough to run as lanes, in chunks that do
    /// not start at a multiple of a register): random options, a tenth of the rows ignored.
    /// </summary>
    private static Arbitrary<SoftmaxCase[]> LargeCases { get; } = Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from gamma in ScalarGenerators.Gamma
        from alpha in ScalarGenerators.Alpha
        from weighted in Gen.Elements(false, true)
        from classAlpha in Gen.Elements(false, true)
        from smoothing in Gen.Elements(0.0, 0.1)
        select new[]
        {
            Large(2000, 80, seed, gamma, alpha, weighted, classAlpha, smoothing),
            Large(130, 1203, seed ^ 0x2545F491, gamma, alpha, weighted, classAlpha, smoothing),
            Large(16000, 10, seed ^ 0x1B873593, gamma, alpha, weighted, classAlpha, smoothing),
        });

    [Property(MaxTest = 100)]
    public Property Float_every_SIMD_path_gives_the_bits_of_the_scalar_path() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), SamePerPath<float>);

    [Property(MaxTest = 100)]
    public Property Double_every_SIMD_path_gives_the_bits_of_the_scalar_path() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), SamePerPath<double>);

    [Property(MaxTest = 60)]
    public Property Float_rows_of_few_classes_give_every_path_the_bits_of_the_scalar_path()
        => Prop.ForAll(SoftmaxCases.ManyShortRows.ToArbitrary(), SamePerPath<float>);

    [Property(MaxTest = 40)]
    public Property Double_rows_of_few_classes_give_every_path_the_bits_of_the_scalar_path()
        => Prop.ForAll(SoftmaxCases.ManyShortRows.ToArbitrary(), SamePerPath<double>);

    [Property(MaxTest = 1)]
    public Property Float_every_thread_count_gives_the_same_bits_on_large_calls() => Prop.ForAll(LargeCases, SamePerThreadCount<float>);

    [Property(MaxTest = 1)]
    public Property Double_every_thread_count_gives_the_same_bits_on_large_calls() => Prop.ForAll(LargeCases, SamePerThreadCount<double>);

    [Property(MaxTest = 100)]
    public Property Int_and_long_class_indices_give_the_same_bits() => Prop.ForAll(IndexCases, value =>
    {
        SoftmaxResults<float>.Compute(value, TargetKind.Long)
            .AssertSameAs(SoftmaxResults<float>.Compute(value, TargetKind.Int), $"float int vs long for {value}");
        SoftmaxResults<double>.Compute(value, TargetKind.Long)
            .AssertSameAs(SoftmaxResults<double>.Compute(value, TargetKind.Int), $"double int vs long for {value}");
    });

    [Property(MaxTest = 100)]
    public Property A_gradient_written_over_the_logits_gives_the_bits_of_one_written_elsewhere()
        => Prop.ForAll(Gen.OneOf(SoftmaxCases.Any, SoftmaxCases.ManyShortRows).ToArbitrary(), value =>
        {
            SoftmaxResults<float>.Compute(value)
                .AssertSameAs(SoftmaxResults<float>.Compute(value, inPlace: true), $"float in place vs out of place for {value}");
            SoftmaxResults<double>.Compute(value)
                .AssertSameAs(SoftmaxResults<double>.Compute(value, inPlace: true), $"double in place vs out of place for {value}");
        });

    [Property(MaxTest = 100)]
    public Property Backward_with_upstream_ones_gives_the_fused_gradient_bit_for_bit() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), value =>
    {
        BackwardMatchesFused(SoftmaxResults<float>.Compute(value), "float");
        BackwardMatchesFused(SoftmaxResults<double>.Compute(value), "double");
    });

    [Property(MaxTest = 100)]
    public Property Reduced_ForwardBackward_gives_the_reduced_Forward_loss_bit_for_bit() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), value =>
    {
        ReducedLossesMatch(SoftmaxResults<float>.Compute(value), "float");
        ReducedLossesMatch(SoftmaxResults<double>.Compute(value), "double");
    });

    [Property(MaxTest = 100)]
    public Property Forward_gives_the_ForwardBackward_losses_bit_for_bit() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), value =>
    {
        var single = SoftmaxResults<float>.Compute(value);
        Bits.AssertSame<float>(single.Losses, single.ForwardLosses, "float Forward vs ForwardBackward");
        var twice = SoftmaxResults<double>.Compute(value);
        Bits.AssertSame<double>(twice.Losses, twice.ForwardLosses, "double Forward vs ForwardBackward");
    });

    private static void SamePerPath<T>(SoftmaxCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SamePerPath<T>(value, SoftmaxResults<T>.AllReductions);

    /// <summary>Every SIMD path gives the bits of the first for every operation and <paramref name="reductions"/>.</summary>
    internal static void SamePerPath<T>(SoftmaxCase value, FocalReduction[] reductions)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var settings = new RuntimeSettingsScope();
        SoftmaxResults<T>? first = null;
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            var results = SoftmaxResults<T>.Compute(value, reductions: reductions);
            if (first is null)
                first = results;
            else
                first.AssertSameAs(results, $"{typeof(T).Name} {path} vs {RuntimeSettingsScope.AvailablePaths[0]} for {value}");
        }
    }

    private static void SamePerThreadCount<T>(SoftmaxCase[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var settings = new RuntimeSettingsScope();
        FocalReduction[] reductions = [FocalReduction.Sum, FocalReduction.Mean, FocalReduction.WeightedMean];
        foreach (var value in values)
        {
            SoftmaxResults<T>? first = null;
            foreach (var threads in ThreadCounts)
            {
                FocalRuntime.MaxDegreeOfParallelism = threads;
                var results = SoftmaxResults<T>.Compute(value, TargetKind.Int, reductions: reductions, compact: true);
                if (first is null)
                    first = results;
                else
                    first.AssertSameAs(results, $"{typeof(T).Name} {threads} threads vs 1 for {value}");
            }

            // Rows that other threads write in place must not disturb the logits a thread still reads.
            SoftmaxResults<T>.Compute(value, TargetKind.Int, inPlace: true, reductions: reductions, compact: true)
                .AssertSameAs(first!, $"{typeof(T).Name} {ThreadCounts[^1]} threads in place vs 1 thread for {value}");
        }
    }

    private static void BackwardMatchesFused<T>(SoftmaxResults<T> results, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Bits.AssertSame<T>(results.Gradient, results.OnesGradient, $"{what} per-sample");
        for (var r = 0; r < results.Reductions.Length; r++)
            Bits.AssertSame<T>(results.ReducedFusedGradient[r], results.ReducedBackward[r], $"{what} {results.Reductions[r]}");
    }

    private static void ReducedLossesMatch<T>(SoftmaxResults<T> results, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var r = 0; r < results.Reductions.Length; r++)
            Bits.AssertSame(results.ReducedForward[r], results.ReducedFusedLoss[r], $"{what} {results.Reductions[r]}");
    }

    /// <summary>Normal logits (sd 3, as float) and class indices from <paramref name="seed"/>; one row in ten ignored.</summary>
    /// <summary>A large index-target case: normal logits (σ = 3, rounded to float), a tenth of the rows ignored.</summary>
    internal static SoftmaxCase Large(
        int rows, int classes, int seed, double gamma, double alpha, bool weighted, bool classAlpha, double smoothing)
    {
        var random = new Random(seed);
        var logits = new double[rows * classes];
        for (var i = 0; i < logits.Length; i++)
            logits[i] = (float)(3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var indices = Enumerable.Range(0, rows).Select(_ => random.Next(10) == 0 ? -100L : random.Next(classes)).ToArray();
        var weights = weighted
            ? Enumerable.Range(0, rows).Select(_ => random.Next(5) == 0 ? 0.0 : (float)(random.NextDouble() * 2)).ToArray()
            : null;
        var alphas = classAlpha ? Enumerable.Range(0, classes).Select(_ => random.NextDouble() * 2).ToArray() : null;
        return new SoftmaxCase(classes, logits, indices, null, gamma, alpha, alphas, weights, smoothing, -100);
    }
}
