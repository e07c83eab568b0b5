using System.Numerics;
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
            (value, gamma) => Agree<float>(value with { Gamma = gamma }));

    [Property(MaxTest = 40)]
    public Property Double_specialized_and_generic_kernels_agree()
        => Prop.ForAll(FocalCases.Finite, Arb.From(Gen.Elements(Specialized)),
            (value, gamma) => Agree<double>(value with { Gamma = gamma }));

    /// <summary>
    /// Forcing the generic kernel changes nothing where there is no specialization to decline: γ = 0 has no power to
    /// compute and always runs its own kernel, and a γ without a specialization runs the generic one anyway.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(2.0000001)]
    public void Forcing_the_generic_kernel_without_a_specialization_to_decline_gives_the_same_bits(double gamma)
    {
        var value = BulkInputs.Create(seed: 11, 1_001, BulkInputs.Labels.Mixed, gamma, alpha: 0.25);
        SameWhenForced<float>(value);
        SameWhenForced<double>(value);
    }

    private static void SameWhenForced<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var (losses, gradient) = (new T[x.Length], new T[x.Length]);
        var (forcedLosses, forcedGradient) = (new T[x.Length], new T[x.Length]);
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options<T>());
        SigmoidFocalLoss.ForwardBackward(x, y, forcedLosses, forcedGradient,
            new() { Gamma = value.Gamma, Alpha = value.Alpha, ForceGenericKernel = true });
        Bits.AssertSame<T>(losses, forcedLosses, $"{typeof(T).Name} forced generic loss, gamma = {value.Gamma}");
        Bits.AssertSame<T>(gradient, forcedGradient, $"{typeof(T).Name} forced generic gradient, gamma = {value.Gamma}");
    }

    private static void Agree<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var specializedLoss = new T[x.Length];
        var specializedGradient = new T[x.Length];
        var genericLoss = new T[x.Length];
        var genericGradient = new T[x.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, specializedLoss, specializedGradient, value.Options<T>());
        SigmoidFocalLoss.ForwardBackward(x, y, genericLoss, genericGradient,
            new() { Gamma = value.Gamma, Alpha = value.Alpha, ForceGenericKernel = true });

        foreach (var (name, outputs) in new[] { ("specialized", (specializedLoss, specializedGradient)),
            ("generic", (genericLoss, genericGradient)) })
        {
            ReferenceCheck.Losses<T>(outputs.Item1, x, y, value.Gamma, value.Alpha, Tolerances.Relative<T>(), $"{name} loss");
            ReferenceCheck.Gradients<T>(outputs.Item2, x, y, [], 1, value.Gamma, value.Alpha, Tolerances.Relative<T>(), $"{name} gradient");
        }

        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(T.IsFinite(specializedLoss[i]) == T.IsFinite(genericLoss[i]), $"loss finiteness differs at [{i}]");
            Assert.True(T.IsFinite(specializedGradient[i]) == T.IsFinite(genericGradient[i]), $"gradient finiteness differs at [{i}]");
        }
    }
}
