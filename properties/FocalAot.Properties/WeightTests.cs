using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Weight 0 ignores an element: its loss and gradient are exactly +0 whatever its logit (±∞ and NaN included) in every
/// operation, and a NaN there does not reach a sum. Weights of one are no weights, bit for bit.
/// </summary>
public sealed class WeightTests
{
    [Property(MaxTest = 100)]
    public Property Float_weight_zero_gives_exactly_positive_zero() => Prop.ForAll(WeightedCases.Weighted, ZeroWeightIgnores<float>);

    [Property(MaxTest = 100)]
    public Property Double_weight_zero_gives_exactly_positive_zero() => Prop.ForAll(WeightedCases.Weighted, ZeroWeightIgnores<double>);

    [Property(MaxTest = 60)]
    public Property Half_weight_zero_gives_exactly_positive_zero() => Prop.ForAll(WeightedCases.Weighted, ZeroWeightIgnores<Half>);

    [Property(MaxTest = 60)]
    public Property BFloat16_weight_zero_gives_exactly_positive_zero() => Prop.ForAll(WeightedCases.Weighted, ZeroWeightIgnores<BFloat16>);

    [Property(MaxTest = 60)]
    public Property Float_weights_of_one_are_no_weights_bit_for_bit() => Prop.ForAll(WeightedCases.Mixed, OnesAreNoWeights<float>);

    [Property(MaxTest = 60)]
    public Property Double_weights_of_one_are_no_weights_bit_for_bit() => Prop.ForAll(WeightedCases.Mixed, OnesAreNoWeights<double>);

    [Property(MaxTest = 40)]
    public Property Half_weights_of_one_are_no_weights_bit_for_bit() => Prop.ForAll(WeightedCases.Mixed, OnesAreNoWeights<Half>);

    [Property(MaxTest = 40)]
    public Property BFloat16_weights_of_one_are_no_weights_bit_for_bit() => Prop.ForAll(WeightedCases.Mixed, OnesAreNoWeights<BFloat16>);

    /// <summary>Every non-finite and extreme logit at weight 0, at every lane position of every tail up to two blocks.</summary>
    [Fact]
    public void Non_finite_logits_at_weight_zero_give_exactly_positive_zero_at_every_position()
    {
        double[] logits = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -double.NaN, 1e30, -1e30, float.MaxValue, 0];
        double[] targets = [0, 1, 0.5, 0.25];
        foreach (var n in new[] { 1, 2, 7, 15, 16, 17, 33, 255, 256, 257, 515 })
        {
            var x = new double[n];
            var y = new double[n];
            var w = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = logits[i % logits.Length];
                y[i] = targets[(i / logits.Length) % targets.Length];
                w[i] = i % 3 == 0 ? 1.5 : 0;  // NaN and ±∞ land at weight 0 and at weight 1.5 in turn
            }

            var value = new WeightedCase(new FocalCase(x, y, Enumerable.Repeat(-2.5, n).ToArray(), 0.5, 0.25), w, null);
            ZeroWeightIgnores<float>(value);
            ZeroWeightIgnores<double>(value);
            ZeroWeightIgnores<Half>(value);
            ZeroWeightIgnores<BFloat16>(value);
            ZeroWeightIgnores<float>(value with { ClassAlpha = [0.5, 1, 0] });
            ZeroWeightIgnores<double>(value with { Value = value.Value with { Gamma = 0 } });
        }
    }

    internal static void ZeroWeightIgnores<T>(WeightedCase value)
        where T : unmanaged
    {
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var u = Stored.From<T>(value.Value.Upstream);
        var w = Stored.From<T>(value.Weights ?? []);
        var weights = Stored.ToDouble<T>(w);
        var n = value.Length;
        var what = typeof(T).Name;

        var losses = new T[n];
        var gradient = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(w));
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(losses, weights, x, $"{what} loss");
        SigmoidFocalLoss.Backward(x, y, u, gradient, value.Options(w));
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, weights, x, $"{what} gradient(upstream)");
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options(w));
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(losses, weights, x, $"{what} fused loss");
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, weights, x, $"{what} fused gradient");

        // A NaN logit reaches a sum only through an element that carries weight.
        var nanWithWeight = Enumerable.Range(0, n).Any(i => double.IsNaN(Stored.ToDouble(x[i])) && weights[i] != 0);
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(3), FocalReduction.WeightedMean })
        {
            var upstream = Stored.From<T>(-0.75);
            SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options(w, reduction));
            Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, weights, x, $"{what} gradient of {reduction}");
            var fused = SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options(w, reduction));
            Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, weights, x, $"{what} fused gradient of {reduction}");
            var separate = SigmoidFocalLoss.Forward(x, y, value.Options(w, reduction));
            if (reduction.Kind is FocalReductionKind.Sum or FocalReductionKind.Normalized)
            {
                Assert.True(nanWithWeight == Stored.IsNaN(separate),
                    $"{what} {reduction} = {Stored.ToDouble(separate)}; NaN logit with weight: {nanWithWeight}");
                Assert.True(nanWithWeight == Stored.IsNaN(fused),
                    $"{what} fused {reduction} = {Stored.ToDouble(fused)}; NaN logit with weight: {nanWithWeight}");
            }
        }
    }

    /// <summary>Multiplying by 1 is exact, and a weighted mean of ones divides by n: every output keeps its bits.</summary>
    internal static void OnesAreNoWeights<T>(WeightedCase value)
        where T : unmanaged
    {
        var withOnes = Outputs<T>.Compute(value with { Weights = Enumerable.Repeat(1.0, value.Length).ToArray() });
        var without = Outputs<T>.Compute(value with { Weights = null });
        without.AssertSameAs(withOnes, $"{typeof(T).Name} weights of one vs none");
    }
}
