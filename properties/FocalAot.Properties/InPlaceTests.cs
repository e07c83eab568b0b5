using System.Numerics;
using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>Writing an output over an input (exactly the same memory) gives the same bits as separate buffers.</summary>
public sealed class InPlaceTests
{
    [Property(MaxTest = 100)]
    public Property Float_in_place_equals_out_of_place() => Prop.ForAll(FocalCases.Any, InPlaceEqualsOutOfPlace<float>);

    [Property(MaxTest = 100)]
    public Property Double_in_place_equals_out_of_place() => Prop.ForAll(FocalCases.Any, InPlaceEqualsOutOfPlace<double>);

    internal static void InPlaceEqualsOutOfPlace<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var u = FocalCase.As<T>(value.Upstream);
        var n = value.Length;

        var losses = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options<T>());
        var buffer = (T[])x.Clone();
        SigmoidFocalLoss.Forward(buffer, y, buffer, value.Options<T>());
        Bits.AssertSame<T>(losses, buffer, "Forward with losses over logits");
        buffer = (T[])y.Clone();
        SigmoidFocalLoss.Forward(x, buffer, buffer, value.Options<T>());
        Bits.AssertSame<T>(losses, buffer, "Forward with losses over targets");

        var gradient = new T[n];
        SigmoidFocalLoss.Backward(x, y, u, gradient, value.Options<T>());
        buffer = (T[])x.Clone();
        SigmoidFocalLoss.Backward(buffer, y, u, buffer, value.Options<T>());
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over logits");
        buffer = (T[])y.Clone();
        SigmoidFocalLoss.Backward(x, buffer, u, buffer, value.Options<T>());
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over targets");
        buffer = (T[])u.Clone();
        SigmoidFocalLoss.Backward(x, y, buffer, buffer, value.Options<T>());
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over upstream");

        var upstream = T.CreateTruncating(n > 0 ? value.Upstream[0] : 1.0);
        SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options<T>(FocalReduction.Mean));
        buffer = (T[])x.Clone();
        SigmoidFocalLoss.Backward(buffer, y, upstream, buffer, value.Options<T>(FocalReduction.Mean));
        Bits.AssertSame<T>(gradient, buffer, "Backward(mean) with gradient over logits");

        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, fusedGradient, value.Options<T>());
        var logitsThenLosses = (T[])x.Clone();
        var targetsThenGradient = (T[])y.Clone();
        SigmoidFocalLoss.ForwardBackward(logitsThenLosses, targetsThenGradient, logitsThenLosses, targetsThenGradient, value.Options<T>());
        Bits.AssertSame<T>(losses, logitsThenLosses, "ForwardBackward with losses over logits");
        Bits.AssertSame<T>(fusedGradient, targetsThenGradient, "ForwardBackward with gradient over targets");

        var sum = SigmoidFocalLoss.ForwardBackward(x, y, fusedGradient, value.Options<T>(FocalReduction.Sum));
        buffer = (T[])x.Clone();
        var sumInPlace = SigmoidFocalLoss.ForwardBackward(buffer, y, buffer, value.Options<T>(FocalReduction.Sum));
        Bits.AssertSame(sum, sumInPlace, "ForwardBackward(sum) with gradient over logits: sum");
        Bits.AssertSame<T>(fusedGradient, buffer, "ForwardBackward(sum) with gradient over logits: gradient");
    }
}
