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
    public Property Float_fused_matches_the_reference() => Prop.ForAll(FocalCases.Any, MatchesReference<float>);

    [Property(MaxTest = 100)]
    public Property Double_fused_matches_the_reference() => Prop.ForAll(FocalCases.Any, MatchesReference<double>);

    [Property(MaxTest = 100)]
    public Property Float_fused_equals_separate_calls_bit_for_bit() => Prop.ForAll(FocalCases.Any, EqualsSeparate<float>);

    [Property(MaxTest = 100)]
    public Property Double_fused_equals_separate_calls_bit_for_bit() => Prop.ForAll(FocalCases.Any, EqualsSeparate<double>);

    [Property(MaxTest = 80)]
    public Property Float_fused_equals_separate_calls_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, EqualsSeparate<float>);

    [Property(MaxTest = 80)]
    public Property Double_fused_equals_separate_calls_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, EqualsSeparate<double>);

    [Property(MaxTest = 50)]
    public Property Half_fused_equals_separate_calls_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, EqualsSeparate<Half>);

    [Property(MaxTest = 50)]
    public Property BFloat16_fused_equals_separate_calls_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, EqualsSeparate<BFloat16>);

    internal static void MatchesReference<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        var gradient = new T[value.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options<T>());
        ReferenceCheck.Losses<T>(losses, x, y, value.Gamma, value.Alpha, Tolerances.Relative<T>(), "fused loss");
        ReferenceCheck.Gradients<T>(gradient, x, y, [], 1, value.Gamma, value.Alpha, Tolerances.Relative<T>(), "fused gradient");

        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, value.Gamma, value.Alpha));
        foreach (var (reduction, denominator, name) in Reductions.For(value))
        {
            var reduced = SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options<T>(reduction));
            ReferenceCheck.Reduced(reduced, sum / denominator, Tolerances.SumRelative<T>(value.Length),
                ((value.Length * Tolerances.AbsoluteFloor) + ReferenceCheck.SubnormalAllowance<T>(x, y, value.Gamma, value.Alpha)) / denominator,
                $"fused {name}");
            ReferenceCheck.Gradients<T>(gradient, x, y, [], 1 / denominator, value.Gamma, value.Alpha, Tolerances.Relative<T>(),
                $"fused gradient of {name}");
        }
    }

    internal static void EqualsSeparate<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var n = value.Length;
        var ones = Enumerable.Repeat(T.One, n).ToArray();

        var fusedLosses = new T[n];
        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, value.Options<T>());
        var losses = new T[n];
        var gradient = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options<T>());
        SigmoidFocalLoss.Backward(x, y, ones, gradient, value.Options<T>());
        Bits.AssertSame<T>(losses, fusedLosses, "fused loss vs Forward");
        Bits.AssertSame<T>(gradient, fusedGradient, "fused gradient vs Backward(upstream ones)");

        foreach (var (reduction, _, name) in Reductions.For(value))
        {
            var fused = SigmoidFocalLoss.ForwardBackward(x, y, fusedGradient, value.Options<T>(reduction));
            var separate = SigmoidFocalLoss.Forward(x, y, value.Options<T>(reduction));
            SigmoidFocalLoss.Backward(x, y, T.One, gradient, value.Options<T>(reduction));
            Bits.AssertSame(separate, fused, $"fused {name} vs Forward");
            Bits.AssertSame<T>(gradient, fusedGradient, $"fused gradient of {name} vs Backward(scalar 1)");
        }
    }

    /// <summary>The same with the case's weights and class α, for every element type, the weighted mean included.</summary>
    internal static void EqualsSeparate<T>(WeightedCase value)
        where T : unmanaged
    {
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var w = value.Weights is null ? null : Stored.From<T>(value.Weights);
        var n = value.Length;
        var one = Stored.From<T>(1.0);
        var what = typeof(T).Name;

        var fusedLosses = new T[n];
        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, value.Options(w));
        var losses = new T[n];
        var gradient = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(w));
        SigmoidFocalLoss.Backward(x, y, Enumerable.Repeat(one, n).ToArray(), gradient, value.Options(w));
        Stored.AssertSame<T>(losses, fusedLosses, $"{what} fused loss vs Forward");
        Stored.AssertSame<T>(gradient, fusedGradient, $"{what} fused gradient vs Backward(upstream ones)");

        foreach (var (reduction, _, name) in Reductions.For(value, w is null ? [] : Stored.ToDouble<T>(w)))
        {
            var fused = SigmoidFocalLoss.ForwardBackward(x, y, fusedGradient, value.Options(w, reduction));
            var separate = SigmoidFocalLoss.Forward(x, y, value.Options(w, reduction));
            SigmoidFocalLoss.Backward(x, y, one, gradient, value.Options(w, reduction));
            Stored.AssertSame(separate, fused, $"{what} fused {name} vs Forward");
            Stored.AssertSame<T>(gradient, fusedGradient, $"{what} fused gradient of {name} vs Backward(scalar 1)");
        }
    }
}
