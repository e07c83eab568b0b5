using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>
/// ForwardBackward agrees with the reference, and equals separate Forward + Backward (upstream of ones, or scalar 1)
/// bit for bit.
/// </summary>
public sealed class FusedTests
{
    [Property(MaxTest = 100)]
    public Property Float_fused_matches_the_reference() => Prop.ForAll(FocalCases.Any, MatchesReference<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_fused_matches_the_reference() => Prop.ForAll(FocalCases.Any, MatchesReference<double, DoubleApi>);

    [Property(MaxTest = 100)]
    public Property Float_fused_equals_separate_calls_bit_for_bit() => Prop.ForAll(FocalCases.Any, EqualsSeparate<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_fused_equals_separate_calls_bit_for_bit() => Prop.ForAll(FocalCases.Any, EqualsSeparate<double, DoubleApi>);

    internal static void MatchesReference<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        var gradient = new T[value.Length];
        TApi.ForwardBackward(x, y, losses, gradient, value.Gamma, value.Alpha);
        ReferenceCheck.Losses<T>(losses, x, y, value.Gamma, value.Alpha, TApi.Relative, "fused loss");
        ReferenceCheck.Gradients<T>(gradient, x, y, [], 1, value.Gamma, value.Alpha, TApi.Relative, "fused gradient");

        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, value.Gamma, value.Alpha));
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            var reduced = TApi.ForwardBackward(x, y, reduction, gradient, value.Gamma, value.Alpha);
            ReferenceCheck.Reduced(reduced, sum / denominator, TApi.SumRelative(value.Length),
                ((value.Length * Tolerances.AbsoluteFloor) + ReferenceCheck.SubnormalAllowance<T>(x, y, value.Gamma, value.Alpha)) / denominator, $"fused {name}");
            ReferenceCheck.Gradients<T>(gradient, x, y, [], 1 / denominator, value.Gamma, value.Alpha, TApi.Relative, $"fused gradient of {name}");
        }
    }

    internal static void EqualsSeparate<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var n = value.Length;
        var ones = Enumerable.Repeat(T.One, n).ToArray();

        var fusedLosses = new T[n];
        var fusedGradient = new T[n];
        TApi.ForwardBackward(x, y, fusedLosses, fusedGradient, value.Gamma, value.Alpha);
        var losses = new T[n];
        var gradient = new T[n];
        TApi.Forward(x, y, losses, value.Gamma, value.Alpha);
        TApi.Backward(x, y, ones, gradient, value.Gamma, value.Alpha);
        Bits.AssertSame<T>(losses, fusedLosses, "fused loss vs Forward");
        Bits.AssertSame<T>(gradient, fusedGradient, "fused gradient vs Backward(upstream ones)");

        foreach (var (reduction, _, name) in Reductions.For(value))
        {
            var fused = TApi.ForwardBackward(x, y, reduction, fusedGradient, value.Gamma, value.Alpha);
            var separate = TApi.Forward(x, y, reduction, value.Gamma, value.Alpha);
            TApi.Backward(x, y, reduction, T.One, gradient, value.Gamma, value.Alpha);
            Bits.AssertSame(separate, fused, $"fused {name} vs Forward");
            Bits.AssertSame<T>(gradient, fusedGradient, $"fused gradient of {name} vs Backward(scalar 1)");
        }
    }
}
