using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>Backward (per-element upstream and scalar upstream of a reduction) agrees with the reference gradient.</summary>
public sealed class BackwardAccuracyTests
{
    [Property(MaxTest = 100)]
    public Property Float_gradient_times_upstream_matches_the_reference() => Prop.ForAll(FocalCases.Any, WithUpstream<float>);

    [Property(MaxTest = 100)]
    public Property Double_gradient_times_upstream_matches_the_reference() => Prop.ForAll(FocalCases.Any, WithUpstream<double>);

    [Property(MaxTest = 100)]
    public Property Float_gradient_of_reductions_matches_the_reference() => Prop.ForAll(FocalCases.Any, OfReductions<float>);

    [Property(MaxTest = 100)]
    public Property Double_gradient_of_reductions_matches_the_reference() => Prop.ForAll(FocalCases.Any, OfReductions<double>);

    internal static void WithUpstream<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var gradient = new T[value.Length];
        SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options<T>());
        ReferenceCheck.Gradients<T>(gradient, x, y, upstream, 0, value.Gamma, value.Alpha, Tolerances.Relative<T>(), "gradient");
    }

    internal static void OfReductions<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = T.CreateTruncating(value.Length > 0 ? value.Upstream[0] : 1.0);
        var gradient = new T[value.Length];
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options<T>(reduction));
            var scale = double.CreateTruncating(upstream) / denominator;
            ReferenceCheck.Gradients<T>(gradient, x, y, [], scale, value.Gamma, value.Alpha, Tolerances.Relative<T>(), $"gradient of {name}");
        }
    }
}
