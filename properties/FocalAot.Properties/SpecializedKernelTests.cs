using System.Numerics;
using FocalAot.Drivers;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The built-in specialized kernels (what a γ in {0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5} dispatches to) against the
/// generic exp(γ·log q) kernel: both within the accuracy bound of the reference, and finite at the same places.
/// </summary>
public sealed class SpecializedKernelTests
{
    private static readonly double[] Specialized = [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5];

    public static TheoryData<double> BuiltInGammas => new(Specialized);

    [Theory]
    [MemberData(nameof(BuiltInGammas))]
    public void Float_gamma_dispatches_to_its_specialized_kernel(double gamma)
        => Assert.StartsWith("specialized", SigmoidFocalLoss.DescribeKernel(gamma, Precision.Single), StringComparison.Ordinal);

    [Theory]
    [InlineData(0.7)]
    [InlineData(2.0000001)]
    [InlineData(6)]
    public void Other_gammas_run_the_generic_kernel(double gamma)
        => Assert.StartsWith("generic", SigmoidFocalLoss.DescribeKernel(gamma, Precision.Double), StringComparison.Ordinal);

    [Property(MaxTest = 40)]
    public Property Float_specialized_and_generic_kernels_agree()
        => Prop.ForAll(FocalCases.Finite, Arb.From(Gen.Elements(Specialized)),
            (value, gamma) => Agree<float, FloatApi>(value with { Gamma = gamma }));

    [Property(MaxTest = 40)]
    public Property Double_specialized_and_generic_kernels_agree()
        => Prop.ForAll(FocalCases.Finite, Arb.From(Gen.Elements(Specialized)),
            (value, gamma) => Agree<double, DoubleApi>(value with { Gamma = gamma }));

    private static void Agree<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var specializedLoss = new T[x.Length];
        var specializedGradient = new T[x.Length];
        var genericLoss = new T[x.Length];
        var genericGradient = new T[x.Length];
        TApi.ForwardBackward(x, y, specializedLoss, specializedGradient, value.Gamma, value.Alpha);
        SigmoidFocalCore<T>.ForwardBackward(
            new GenericPowerRunner<T>(value.Gamma), x, y, genericLoss, genericGradient, value.Alpha);

        foreach (var (name, outputs) in new[] { ("specialized", (specializedLoss, specializedGradient)), ("generic", (genericLoss, genericGradient)) })
        {
            ReferenceCheck.Losses<T>(outputs.Item1, x, y, value.Gamma, value.Alpha, TApi.Relative, $"{name} loss");
            ReferenceCheck.Gradients<T>(outputs.Item2, x, y, [], 1, value.Gamma, value.Alpha, TApi.Relative, $"{name} gradient");
        }

        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(T.IsFinite(specializedLoss[i]) == T.IsFinite(genericLoss[i]), $"loss finiteness differs at [{i}]");
            Assert.True(T.IsFinite(specializedGradient[i]) == T.IsFinite(genericGradient[i]), $"gradient finiteness differs at [{i}]");
        }
    }
}
