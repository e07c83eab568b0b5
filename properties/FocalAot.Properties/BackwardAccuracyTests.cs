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
    public Property Float_gradient_times_upstream_matches_the_reference() => Prop.ForAll(FocalCases.Any, WithUpstream<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_gradient_times_upstream_matches_the_reference() => Prop.ForAll(FocalCases.Any, WithUpstream<double, DoubleApi>);

    [Property(MaxTest = 100)]
    public Property Float_gradient_of_reductions_matches_the_reference() => Prop.ForAll(FocalCases.Any, OfReductions<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_gradient_of_reductions_matches_the_reference() => Prop.ForAll(FocalCases.Any, OfReductions<double, DoubleApi>);

    internal static void WithUpstream<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var gradient = new T[value.Length];
        TApi.Backward(x, y, upstream, gradient, value.Gamma, value.Alpha);
        ReferenceCheck.Gradients<T>(gradient, x, y, upstream, 0, value.Gamma, value.Alpha, TApi.Relative, "gradient");
    }

    internal static void OfReductions<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = T.CreateTruncating(value.Length > 0 ? value.Upstream[0] : 1.0);
        var gradient = new T[value.Length];
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            TApi.Backward(x, y, reduction, upstream, gradient, value.Gamma, value.Alpha);
            var scale = double.CreateTruncating(upstream) / denominator;
            ReferenceCheck.Gradients<T>(gradient, x, y, [], scale, value.Gamma, value.Alpha, TApi.Relative, $"gradient of {name}");
        }
    }
}
