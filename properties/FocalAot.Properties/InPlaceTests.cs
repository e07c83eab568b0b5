using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>Writing an output over an input (exactly the same memory) gives the same bits as separate buffers.</summary>
public sealed class InPlaceTests
{
    [Property(MaxTest = 100)]
    public Property Float_in_place_equals_out_of_place() => Prop.ForAll(FocalCases.Any, InPlaceEqualsOutOfPlace<float, FloatApi>);

    [Property(MaxTest = 100)]
    public Property Double_in_place_equals_out_of_place() => Prop.ForAll(FocalCases.Any, InPlaceEqualsOutOfPlace<double, DoubleApi>);

    internal static void InPlaceEqualsOutOfPlace<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var u = FocalCase.As<T>(value.Upstream);
        var n = value.Length;
        var (g, a) = (value.Gamma, value.Alpha);

        var losses = new T[n];
        TApi.Forward(x, y, losses, g, a);
        var buffer = (T[])x.Clone();
        TApi.Forward(buffer, y, buffer, g, a);
        Bits.AssertSame<T>(losses, buffer, "Forward with losses over logits");
        buffer = (T[])y.Clone();
        TApi.Forward(x, buffer, buffer, g, a);
        Bits.AssertSame<T>(losses, buffer, "Forward with losses over targets");

        var gradient = new T[n];
        TApi.Backward(x, y, u, gradient, g, a);
        buffer = (T[])x.Clone();
        TApi.Backward(buffer, y, u, buffer, g, a);
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over logits");
        buffer = (T[])y.Clone();
        TApi.Backward(x, buffer, u, buffer, g, a);
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over targets");
        buffer = (T[])u.Clone();
        TApi.Backward(x, y, buffer, buffer, g, a);
        Bits.AssertSame<T>(gradient, buffer, "Backward with gradient over upstream");

        var upstream = T.CreateTruncating(n > 0 ? value.Upstream[0] : 1.0);
        TApi.Backward(x, y, FocalReduction.Mean, upstream, gradient, g, a);
        buffer = (T[])x.Clone();
        TApi.Backward(buffer, y, FocalReduction.Mean, upstream, buffer, g, a);
        Bits.AssertSame<T>(gradient, buffer, "Backward(mean) with gradient over logits");

        var fusedGradient = new T[n];
        TApi.ForwardBackward(x, y, losses, fusedGradient, g, a);
        var logitsThenLosses = (T[])x.Clone();
        var targetsThenGradient = (T[])y.Clone();
        TApi.ForwardBackward(logitsThenLosses, targetsThenGradient, logitsThenLosses, targetsThenGradient, g, a);
        Bits.AssertSame<T>(losses, logitsThenLosses, "ForwardBackward with losses over logits");
        Bits.AssertSame<T>(fusedGradient, targetsThenGradient, "ForwardBackward with gradient over targets");

        var sum = TApi.ForwardBackward(x, y, FocalReduction.Sum, fusedGradient, g, a);
        buffer = (T[])x.Clone();
        var sumInPlace = TApi.ForwardBackward(buffer, y, FocalReduction.Sum, buffer, g, a);
        Bits.AssertSame(sum, sumInPlace, "ForwardBackward(sum) with gradient over logits: sum");
        Bits.AssertSame<T>(fusedGradient, buffer, "ForwardBackward(sum) with gradient over logits: gradient");
    }
}
