using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
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

    /// <summary>
    /// A label of 0 or 1 takes its float power from the margin: loss and gradient stay within
    /// <see cref="Tolerances.MarginPowerRelative"/> of the reference at every γ up to 8, over logits from the smallest to
    /// past the underflow of the loss, with and without FMA. (The power of q, which soft labels keep, reaches about
    /// 1.7e-6 toward γ = 8: q's own rounding, times γ.)
    /// </summary>
    [Theory]
    [InlineData(1e-6)]
    [InlineData(0.3)]
    [InlineData(2.2)]
    [InlineData(5.5)]
    [InlineData(7.3)]
    [InlineData(7.9)]
    [InlineData(8.0)]
    public void Hard_labels_stay_within_the_margin_power_bound(double gamma)
    {
        var (logits, targets) = HardLabelSweep(1 << 16);
        var upstream = new float[logits.Length];
        Array.Fill(upstream, 1f);
        var losses = new float[logits.Length];
        var gradient = new float[logits.Length];
        var options = new FocalLossOptions<float> { Gamma = gamma, Alpha = -1 };
        SigmoidFocalLoss.ForwardBackward<float>(logits, targets, losses, gradient, options);
        ReferenceCheck.Losses<float>(losses, logits, targets, gamma, -1, Tolerances.MarginPowerRelative, "loss");
        ReferenceCheck.Gradients<float>(gradient, logits, targets, upstream, 0, gamma, -1, Tolerances.MarginPowerRelative, "gradient");
    }

    /// <summary>
    /// The power is chosen element by element: a label of 0 or 1 gets the same bits beside soft labels as without them,
    /// and a soft label the same bits among labels of 0 or 1 as among soft ones, whether the soft labels open a block or
    /// come late in it, at every width alike.
    /// </summary>
    [Theory]
    [InlineData(0.7, 0)]
    [InlineData(2.2, 0)]
    [InlineData(6.0, 0)]
    [InlineData(2.2, 200)]
    [InlineData(6.0, 250)]
    public void Each_element_gets_the_power_its_own_label_chooses(double gamma, int firstSoft)
    {
        var (logits, targets) = HardLabelSweep(256);
        var mixed = (float[])targets.Clone();
        var allSoft = new float[targets.Length];
        Array.Fill(allSoft, 0.5f);
        for (var i = firstSoft; i < mixed.Length; i += 7)
            mixed[i] = allSoft[i] = 0.25f * (1 + (i % 3));
        var (hardLosses, hardGradient) = Run(targets);
        var (mixedLosses, mixedGradient) = Run(mixed);
        var (softLosses, softGradient) = Run(allSoft);
        for (var i = 0; i < logits.Length; i++)
        {
            var (losses, gradient, among) = mixed[i] == targets[i] ? (hardLosses, hardGradient, "hard") : (softLosses, softGradient, "soft");
            Assert.True(losses[i].Equals(mixedLosses[i]), $"loss {i}: {mixedLosses[i]:R} in the mixed call, {losses[i]:R} among {among} labels");
            Assert.True(gradient[i].Equals(mixedGradient[i]),
                $"gradient {i}: {mixedGradient[i]:R} in the mixed call, {gradient[i]:R} among {among} labels");
        }

        (float[] Losses, float[] Gradient) Run(float[] labels)
        {
            var (losses, gradient) = (new float[logits.Length], new float[logits.Length]);
            SigmoidFocalLoss.ForwardBackward<float>(logits, labels, losses, gradient, new() { Gamma = gamma, Alpha = 0.25 });
            return (losses, gradient);
        }
    }

    /// <summary>Logits from 1e-6 to 120 in magnitude, log-spaced, and the dense range [-12, 12], with labels 0 and 1.</summary>
    private static (float[] Logits, float[] Targets) HardLabelSweep(int length)
    {
        var logits = new float[length];
        var targets = new float[length];
        for (var i = 0; i < length; i++)
        {
            var u = (i + 0.5) / length;
            var magnitude = i % 2 == 0 ? Math.Pow(10, -6 + (u * 8.08)) : 12 * u;
            logits[i] = (float)(i % 4 < 2 ? magnitude : -magnitude);
            targets[i] = (i / 4) % 2;
        }

        return (logits, targets);
    }

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
