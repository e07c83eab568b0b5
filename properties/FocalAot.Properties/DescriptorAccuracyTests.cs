using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Per-element weights and per-class α agree with the float64 reference within the promised bounds, per element and
/// reduced (sum, mean, normalized, weighted mean), separately and fused: loss_i · w_i, gradient_i · w_i · upstream,
/// Σ w·loss / Σ w, with α_t from the class α of element i (class i mod C) for every γ, soft labels and ±∞ / NaN logits.
/// </summary>
public sealed class DescriptorAccuracyTests
{
    [Property(MaxTest = 100)]
    public Property Float_weighted_results_match_the_reference() => Prop.ForAll(WeightedCases.Weighted, MatchesReference<float>);

    [Property(MaxTest = 100)]
    public Property Double_weighted_results_match_the_reference() => Prop.ForAll(WeightedCases.Weighted, MatchesReference<double>);

    [Property(MaxTest = 100)]
    public Property Float_per_class_alpha_results_match_the_reference() => Prop.ForAll(WeightedCases.PerClass, MatchesReference<float>);

    [Property(MaxTest = 100)]
    public Property Double_per_class_alpha_results_match_the_reference() => Prop.ForAll(WeightedCases.PerClass, MatchesReference<double>);

    /// <summary>Finite logits only, both inputs present: the reduced values are finite numbers and the bounds bite.</summary>
    [Property(MaxTest = 60)]
    public Property Float_weights_with_class_alpha_match_the_reference() => Prop.ForAll(Finite, MatchesReference<float>);

    [Property(MaxTest = 60)]
    public Property Double_weights_with_class_alpha_match_the_reference() => Prop.ForAll(Finite, MatchesReference<double>);

    private static Arbitrary<WeightedCase> Finite { get; } = WeightedCases.From(WeightedCases.Generate(
        ScalarGenerators.FiniteLogit, WeightedCases.Presence.Always, WeightedCases.Presence.Always));

    internal static void MatchesReference<T>(WeightedCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Value.Logits);
        var y = FocalCase.As<T>(value.Value.Targets);
        var u = FocalCase.As<T>(value.Value.Upstream);
        var w = value.Weights is null ? null : FocalCase.As<T>(value.Weights);
        var weights = w is null ? [] : Stored.ToDouble<T>(w);
        var n = value.Length;
        var (gamma, relative) = (value.Gamma, Tolerances.Relative<T>());
        Func<int, double> alphaAt = value.AlphaAt;

        var losses = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(w));
        ReferenceCheck.Losses<T>(losses, x, y, gamma, alphaAt, weights, relative, "loss");
        var gradient = new T[n];
        SigmoidFocalLoss.Backward(x, y, u, gradient, value.Options(w));
        ReferenceCheck.Gradients<T>(gradient, x, y, u, 0, gamma, alphaAt, weights, relative, "gradient");
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options(w));
        ReferenceCheck.Losses<T>(losses, x, y, gamma, alphaAt, weights, relative, "fused loss");
        ReferenceCheck.Gradients<T>(gradient, x, y, [], 1, gamma, alphaAt, weights, relative, "fused gradient");

        var sum = ReferenceSum.Of(WeightedLosses<T>(x, y, gamma, alphaAt, weights));
        var subnormal = ReferenceCheck.SubnormalAllowance<T>(x, y, gamma, alphaAt, weights);
        var upstream = T.CreateTruncating(n > 0 ? value.Value.Upstream[0] : 1.0);
        foreach (var (reduction, denominator, name) in Reductions.For(value, weights))
        {
            var bound = reduction.Kind == FocalReductionKind.WeightedMean ? Tolerances.WeightedMeanRelative<T>(n) : Tolerances.SumRelative<T>(n);
            var absolute = ((n * Tolerances.AbsoluteFloor) + subnormal) / denominator;
            ReferenceCheck.Reduced(SigmoidFocalLoss.Forward(x, y, value.Options(w, reduction)), sum / denominator, bound, absolute, name);
            SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options(w, reduction));
            ReferenceCheck.Gradients<T>(gradient, x, y, [], double.CreateTruncating(upstream) / denominator, gamma, alphaAt, weights, relative,
                $"gradient of {name}");
            var fused = SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options(w, reduction));
            ReferenceCheck.Reduced(fused, sum / denominator, bound, absolute, $"fused {name}");
            ReferenceCheck.Gradients<T>(gradient, x, y, [], 1 / denominator, gamma, alphaAt, weights, relative, $"fused gradient of {name}");
        }
    }

    /// <summary>
    /// The reference w·loss of each element for a reduced sum. Each weighted loss is a value of the compute type before
    /// it is summed, so one beyond its range (a weight above 1 on a loss near the largest float) is ∞ there.
    /// </summary>
    private static double[] WeightedLosses<T>(T[] x, T[] y, double gamma, Func<int, double> alphaAt, ReadOnlySpan<double> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = ReferenceSum.LossesOf<T>(x, y, gamma, alphaAt, weights);
        var largest = Stored.MaxValue<T>();
        for (var i = 0; i < losses.Length; i++)
        {
            if (losses[i] > largest * (1 + Tolerances.Relative<T>()))
                losses[i] = double.PositiveInfinity;
        }

        return losses;
    }
}
