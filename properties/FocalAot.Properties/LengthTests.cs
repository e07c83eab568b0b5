using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Every length 0..257 (every tail of every vector width, one block and a bit) and a few large odd lengths agree with
/// the reference; outputs are written inside their spans only.
/// </summary>
public sealed class LengthTests
{
    private const int Guard = 40;               // elements of sentinel either side of an output span
    private const double Sentinel = 12345.678;  // not a value any operation here produces

    private static readonly double[] Gammas = [0, 0.5, 1, 1.5, 2, 3, 5, 2.7];
    private static readonly double[] Alphas = [0.25, -1, 0.6, 1, 0];

    public static TheoryData<int> LargeOddLengths => [65_537, 1_000_003];

    [Fact]
    public void Every_length_from_0_to_257_matches_the_reference_within_its_span()
    {
        for (var n = 0; n <= 257; n++)
        {
            var value = BulkInputs.Create(seed: n, n, BulkInputs.Labels.Mixed, Gammas[n % Gammas.Length], Alphas[n % Alphas.Length]);
            CheckLength<float>(value);
            CheckLength<double>(value);
        }
    }

    /// <summary>Every length with weights (a fifth of them 0) and C = 1..13 classes, so n mod C takes every value.</summary>
    [Fact]
    public void Every_length_from_0_to_257_with_weights_and_class_alpha_matches_the_reference_within_its_span()
    {
        for (var n = 0; n <= 257; n++)
        {
            var value = WeightedAt(n);
            DescriptorAccuracyTests.MatchesReference<float>(value);
            DescriptorAccuracyTests.MatchesReference<double>(value);
            CheckWeightedGuards<float>(value);
            CheckWeightedGuards<double>(value);
        }
    }

    /// <summary>16-bit storage at every length: each vector width's tail of the conversions, staged blocks, and guards.</summary>
    [Fact]
    public void Every_16_bit_length_from_0_to_257_is_the_float_result_rounded_once_within_its_span()
    {
        for (var n = 0; n <= 257; n++)
        {
            var value = WeightedAt(n);
            SixteenBitStorageTests.RoundedOnce<Half>(value);
            SixteenBitStorageTests.RoundedOnce<BFloat16>(value);
            SixteenBitStorageTests.RoundedOnce<Half>(value with { Weights = null, ClassAlpha = null });
            CheckWeightedGuards<Half>(value);
            CheckWeightedGuards<BFloat16>(value);
        }
    }

    [Theory]
    [MemberData(nameof(LargeOddLengths))]
    public void Large_odd_lengths_match_the_reference(int n)
    {
        var value = BulkInputs.Create(seed: n, n, BulkInputs.Labels.Mixed, gamma: 2, alpha: 0.25);
        CheckLength<float>(value);
        CheckLength<double>(value);
    }

    private static void CheckLength<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var n = value.Length;
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var (g, a) = (value.Gamma, value.Alpha);
        var what = $"{typeof(T).Name} n = {n}";

        var losses = Guarded<T>(n);
        SigmoidFocalLoss.Forward(x, y, Inner(losses, n), value.Options<T>());
        AssertGuards(losses, n, $"{what} Forward");
        ReferenceCheck.Losses<T>(Inner(losses, n), x, y, g, a, Tolerances.Relative<T>(), $"{what} loss");

        var gradient = Guarded<T>(n);
        SigmoidFocalLoss.Backward(x, y, upstream, Inner(gradient, n), value.Options<T>());
        AssertGuards(gradient, n, $"{what} Backward");
        ReferenceCheck.Gradients<T>(Inner(gradient, n), x, y, upstream, 0, g, a, Tolerances.Relative<T>(), $"{what} gradient");

        var fusedLosses = Guarded<T>(n);
        var fusedGradient = Guarded<T>(n);
        var mean = SigmoidFocalLoss.ForwardBackward(x, y, Inner(fusedGradient, n), value.Options<T>(FocalReduction.Mean));
        AssertGuards(fusedGradient, n, $"{what} ForwardBackward(mean)");
        ReferenceCheck.Gradients<T>(Inner(fusedGradient, n), x, y, [], 1.0 / n, g, a, Tolerances.Relative<T>(), $"{what} gradient of mean");
        SigmoidFocalLoss.ForwardBackward(x, y, Inner(fusedLosses, n), Inner(fusedGradient, n), value.Options<T>());
        AssertGuards(fusedLosses, n, $"{what} ForwardBackward losses");
        AssertGuards(fusedGradient, n, $"{what} ForwardBackward gradient");
        Bits.AssertSame<T>(Inner(losses, n), Inner(fusedLosses, n), $"{what} fused loss");

        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, g, a));
        var subnormal = ReferenceCheck.SubnormalAllowance<T>(x, y, g, a);
        ReferenceCheck.Reduced(SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Sum)), sum, Tolerances.SumRelative<T>(n),
            (n * Tolerances.AbsoluteFloor) + subnormal, $"{what} sum");
        ReferenceCheck.Reduced(mean, sum / n, Tolerances.SumRelative<T>(n), Tolerances.AbsoluteFloor + (subnormal / n), $"{what} fused mean");
    }

    /// <summary>A case of length <paramref name="n"/> with weights and a class table chosen from n.</summary>
    private static WeightedCase WeightedAt(int n)
    {
        var value = BulkInputs.Create(seed: 1000 + n, n, BulkInputs.Labels.Mixed, Gammas[n % Gammas.Length], Alphas[n % Alphas.Length]);
        var random = new Random(n);
        var weights = Enumerable.Range(0, n).Select(_ => random.Next(5) == 0 ? 0.0 : random.NextDouble() * 2).ToArray();
        var table = Enumerable.Range(0, 1 + (n % 13)).Select(_ => random.NextDouble()).ToArray();
        return new WeightedCase(value, weights, table);
    }

    /// <summary>Every operation with weights writes its outputs inside their spans only.</summary>
    private static void CheckWeightedGuards<T>(WeightedCase value)
        where T : unmanaged
    {
        var n = value.Length;
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var u = Stored.From<T>(value.Value.Upstream);
        var w = Stored.From<T>(value.Weights!);
        var what = $"{typeof(T).Name} weighted n = {n}";

        var losses = Guarded<T>(n);
        SigmoidFocalLoss.Forward(x, y, Inner(losses, n), value.Options(w));
        AssertGuards(losses, n, $"{what} Forward");
        var gradient = Guarded<T>(n);
        SigmoidFocalLoss.Backward(x, y, u, Inner(gradient, n), value.Options(w));
        AssertGuards(gradient, n, $"{what} Backward");
        SigmoidFocalLoss.Backward(x, y, Stored.From<T>(2.0), Inner(gradient, n), value.Options(w, FocalReduction.WeightedMean));
        AssertGuards(gradient, n, $"{what} Backward(weighted mean)");
        SigmoidFocalLoss.ForwardBackward(x, y, Inner(losses, n), Inner(gradient, n), value.Options(w));
        AssertGuards(losses, n, $"{what} ForwardBackward losses");
        AssertGuards(gradient, n, $"{what} ForwardBackward gradient");
        SigmoidFocalLoss.ForwardBackward(x, y, Inner(gradient, n), value.Options(w, FocalReduction.Normalized(3)));
        AssertGuards(gradient, n, $"{what} ForwardBackward(normalized)");
    }

    private static T[] Guarded<T>(int n)
        where T : unmanaged
    {
        var buffer = new T[n + (2 * Guard)];
        buffer.AsSpan().Fill(Stored.From<T>(Sentinel));
        return buffer;
    }

    private static Span<T> Inner<T>(T[] buffer, int n) => buffer.AsSpan(Guard, n);

    private static void AssertGuards<T>(T[] buffer, int n, string what)
        where T : unmanaged
    {
        var sentinel = Stored.BitsOf(Stored.From<T>(Sentinel));
        for (var i = 0; i < Guard; i++)
        {
            Assert.True(Stored.BitsOf(buffer[i]) == sentinel, $"{what} wrote before its span (offset {i - Guard})");
            Assert.True(Stored.BitsOf(buffer[Guard + n + i]) == sentinel, $"{what} wrote past its span (offset {n + i})");
        }
    }
}
