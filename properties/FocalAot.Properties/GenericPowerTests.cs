using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The generic power of a γ without a specialization: in float, exp(γ log q) in float up to γ = 8 and in double above;
/// in double, always in double. Every γ of the tested range stays within the promised bounds over every kind of logit
/// (subnormal and zero q included) and label, and saturated logits give exact factors on both sides of the switch.
/// (Toward γ = 8 the float bound gives way to q's own rounding, about one unit in float, which the power multiplies by
/// γ: docs/NUMERICS.md §6.)
/// </summary>
public sealed class GenericPowerTests
{
    /// <summary>Any γ of the tested range, and the small and non-integer values users set.</summary>
    private static readonly Gen<double> Gammas = Gen.OneOf(
        ScalarGenerators.Uniform(0, 6),
        Gen.Elements(1e-6, 0.3, 0.7, 2.2, 5.5, 6.0));

    private static readonly Arbitrary<FocalCase> Cases = FocalCases.From(FocalCases.Generate(ScalarGenerators.LogitWithInfinities, gamma: Gammas));

    [Property(MaxTest = 150)]
    public Property Float_losses_match_the_reference() => Prop.ForAll(Cases, ForwardAccuracyTests.Losses<float>);

    [Property(MaxTest = 150)]
    public Property Float_gradients_match_the_reference() => Prop.ForAll(Cases, BackwardAccuracyTests.WithUpstream<float>);

    [Property(MaxTest = 60)]
    public Property Double_losses_match_the_reference() => Prop.ForAll(Cases, ForwardAccuracyTests.Losses<double>);

    /// <summary>q = 0 (a saturated logit on the right side) gives m = 0 for every γ &gt; 0, and q = 1 gives m = 1: the loss is
    /// then exactly 0 and exactly the cross-entropy.</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(2.2)]
    [InlineData(8.0)]
    [InlineData(8.000001)]
    [InlineData(8.5)]
    public void Saturated_logits_give_exact_factors(double gamma)
    {
        float[] logits = [200f, -200f, float.MaxValue, -float.MaxValue];
        float[] targets = [1f, 0f, 1f, 0f];
        var losses = new float[logits.Length];
        SigmoidFocalLoss.Forward<float>(logits, targets, losses, new() { Gamma = gamma, Alpha = -1 });
        Assert.All(losses, loss => Assert.Equal(0f, loss));

        float[] wrong = [0f, 1f];
        float[] wrongLogits = [200f, -200f];
        var wrongLosses = new float[2];
        SigmoidFocalLoss.Forward<float>(wrongLogits, wrong, wrongLosses, new() { Gamma = gamma, Alpha = -1 });
        Assert.All(wrongLosses, loss => Assert.Equal(200f, loss));
    }
}
