using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>Forward (per element and reduced) agrees with the float64 reference within the promised bounds.</summary>
public sealed class ForwardAccuracyTests
{
    [Property(MaxTest = 100)]
    public Property Float_losses_match_the_reference() => Prop.ForAll(FocalCases.Any, Losses<float>);

    [Property(MaxTest = 100)]
    public Property Double_losses_match_the_reference() => Prop.ForAll(FocalCases.Any, Losses<double>);

    [Property(MaxTest = 100)]
    public Property Float_reduced_losses_match_the_reference_sum() => Prop.ForAll(FocalCases.Any, Reduced<float>);

    [Property(MaxTest = 100)]
    public Property Double_reduced_losses_match_the_reference_sum() => Prop.ForAll(FocalCases.Any, Reduced<double>);

    internal static void Losses<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options<T>());
        ReferenceCheck.Losses<T>(losses, x, y, value.Gamma, value.Alpha, Tolerances.Relative<T>(), "loss");
    }

    internal static void Reduced<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, value.Gamma, value.Alpha));
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            var actual = SigmoidFocalLoss.Forward(x, y, value.Options<T>(reduction));
            ReferenceCheck.Reduced(actual, sum / denominator, Tolerances.SumRelative<T>(value.Length),
                ((value.Length * Tolerances.AbsoluteFloor) + ReferenceCheck.SubnormalAllowance<T>(x, y, value.Gamma, value.Alpha)) / denominator,
                name);
        }
    }
}
