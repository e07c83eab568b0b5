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
    public Property Float_losses_match_the_reference() => Prop.ForAll(FocalCases.Any, Losses<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_losses_match_the_reference() => Prop.ForAll(FocalCases.Any, Losses<double, DoubleApi>);

    [Property(MaxTest = 100)]
    public Property Float_reduced_losses_match_the_reference_sum() => Prop.ForAll(FocalCases.Any, Reduced<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_reduced_losses_match_the_reference_sum() => Prop.ForAll(FocalCases.Any, Reduced<double, DoubleApi>);

    internal static void Losses<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        TApi.Forward(x, y, losses, value.Gamma, value.Alpha);
        ReferenceCheck.Losses<T>(losses, x, y, value.Gamma, value.Alpha, TApi.Relative, "loss");
    }

    internal static void Reduced<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, value.Gamma, value.Alpha));
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            var actual = TApi.Forward(x, y, reduction, value.Gamma, value.Alpha);
            ReferenceCheck.Reduced(actual, sum / denominator, TApi.SumRelative(value.Length),
                ((value.Length * Tolerances.AbsoluteFloor) + ReferenceCheck.SubnormalAllowance<T>(x, y, value.Gamma, value.Alpha)) / denominator, name);
        }
    }
}
