using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// The OpenCL path gives the CPU path's bits: every operation (forward, backward with an upstream span or a reduced
/// loss's scalar, fused) and every reduction (none, sum, mean, normalized, weighted mean), for float, double, Half and
/// BFloat16 storage, built-in γ (specialized programs), other γ and a declined specialization (the generic program),
/// with and without per-element weights and per-class α. Inputs cover |x| up to 1e4, ±∞, NaN, ±0, soft targets and
/// zero weights; the length spans two canonical chunks and a tail that is no multiple of 16 or of the work-group size.
/// The focal family (Poly-1's ε, FLSD-53's per-element γ) runs the same recipe on both and is checked the same way.
/// Sums are bit-identical because the device adds in the CPU's canonical order, in double; they are checked on finite
/// logits (a NaN or ∞ would make every order agree).
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClParityTests(OpenClContextFixture fixture)
{
    private const int Length = (2 * 16384) + 1000 + 7;

    private static readonly double[] ClassTable = [0.25, 0.9, 0.0, 1.0, 0.6];

    private static readonly FocalReduction[] Reductions =
        [FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(321.5), FocalReduction.WeightedMean];

    public static TheoryData<string, double, bool, bool, bool> Cases()
    {
        var data = new TheoryData<string, double, bool, bool, bool>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            var gammas = new[]
            { (0.0, false), (0.5, false), (2.0, false), (2.5, false), (5.0, false), (0.7, false), (6.0, false), (9.5, false), (2.0, true) };
            foreach (var (gamma, generic) in gammas)
            {
                foreach (var (weights, classAlpha) in new[] { (false, false), (true, false), (false, true), (true, true) })
                    data.Add(storage, gamma, generic, weights, classAlpha);
            }
        }

        return data;
    }

    /// <summary>Poly-1 at a built-in, a generic and the zero γ, and FLSD-53 with and without Poly-1 (γ = -1 for FLSD-53).</summary>
    public static TheoryData<string, double, double, bool> FamilyCases()
    {
        var data = new TheoryData<string, double, double, bool>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            foreach (var (gamma, polyEpsilon) in new[] { (2.0, 1.0), (0.0, -1.0), (0.7, 0.5), (-1.0, 0.0), (-1.0, 2.0) })
            {
                data.Add(storage, gamma, polyEpsilon, false);
                data.Add(storage, gamma, polyEpsilon, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_operation_and_reduction_matches_the_CPU_bit_for_bit(
        string storage, double gamma, bool forceGeneric, bool weights, bool classAlpha)
        => Dispatch(storage, new Family(gamma, 0, SampleDependent: false), forceGeneric, weights, classAlpha);

    [Theory]
    [MemberData(nameof(FamilyCases))]
    public void The_focal_family_matches_the_CPU_bit_for_bit(string storage, double gamma, double polyEpsilon, bool weights)
        => Dispatch(storage, new Family(Math.Max(gamma, 0), polyEpsilon, SampleDependent: gamma < 0), false, weights, classAlpha: true);

    private void Dispatch(string storage, Family family, bool forceGeneric, bool weights, bool classAlpha)
    {
        switch (storage)
        {
            case "float": Check<float>(family, forceGeneric, weights, classAlpha); break;
            case "double": Check<double>(family, forceGeneric, weights, classAlpha); break;
            case "Half": Check<Half>(family, forceGeneric, weights, classAlpha); break;
            default: Check<BFloat16>(family, forceGeneric, weights, classAlpha); break;
        }
    }

    private void Check<T>(Family family, bool forceGeneric, bool withWeights, bool withClassAlpha)
        where T : unmanaged
    {
        var gamma = family.Gamma;
        var device = fixture.Context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: (int)(gamma * 100) + (withWeights ? 1 : 0) + (withClassAlpha ? 2 : 0), Length);
        var (x, y, w, up) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>(), inputs.UpstreamAs<T>());
        FocalLossOptions<T> Options(FocalReduction reduction)
        {
            var options = new FocalLossOptions<T>
            {
                Alpha = 0.25,
                ClassAlpha = withClassAlpha ? ClassTable : null,
                Weights = withWeights ? w : null,
                Reduction = reduction,
                ForceGenericKernel = forceGeneric,
                PolyEpsilon = family.PolyEpsilon,
                SampleDependentGamma = family.SampleDependent,
            };
            return family.SampleDependent ? options : options with { Gamma = gamma };
        }

        var (cpuLosses, cpuGradient, losses, gradient) = (new T[Length], new T[Length], new T[Length], new T[Length]);
        SigmoidFocalLoss.Forward(x, y, cpuLosses, Options(default));
        device.Forward(x, y, losses, Options(default));
        DeviceAssert.Identical<T>(cpuLosses, losses, "per-element loss");

        SigmoidFocalLoss.Backward(x, y, up, cpuGradient, Options(default));
        device.Backward(x, y, up, gradient, Options(default));
        DeviceAssert.Identical<T>(cpuGradient, gradient, "gradient with an upstream span");

        SigmoidFocalLoss.ForwardBackward(x, y, cpuLosses, cpuGradient, Options(default));
        device.ForwardBackward(x, y, losses, gradient, Options(default));
        DeviceAssert.Identical<T>(cpuLosses, losses, "fused per-element loss");
        DeviceAssert.Identical<T>(cpuGradient, gradient, "fused per-element gradient");

        var finite = DeviceInputs.Create(seed: (int)(gamma * 100) + 7, Length, nonFinite: false);
        (x, y) = (finite.LogitsAs<T>(), finite.TargetsAs<T>());
        foreach (var reduction in Reductions)
        {
            DeviceAssert.Identical(SigmoidFocalLoss.Forward(x, y, Options(reduction)), device.Forward(x, y, Options(reduction)), $"{reduction} loss");

            var upstream = Stored.From<T>(0.75);
            SigmoidFocalLoss.Backward(x, y, upstream, cpuGradient, Options(reduction));
            device.Backward(x, y, upstream, gradient, Options(reduction));
            DeviceAssert.Identical<T>(cpuGradient, gradient, $"gradient of the {reduction} loss");

            var cpuLoss = SigmoidFocalLoss.ForwardBackward(x, y, cpuGradient, Options(reduction));
            var loss = device.ForwardBackward(x, y, gradient, Options(reduction));
            DeviceAssert.Identical(cpuLoss, loss, $"fused {reduction} loss");
            DeviceAssert.Identical<T>(cpuGradient, gradient, $"fused gradient of the {reduction} loss");
        }
    }

    /// <summary>γ (unused for FLSD-53), Poly-1's ε and whether γ is FLSD-53's.</summary>
    private readonly record struct Family(double Gamma, double PolyEpsilon, bool SampleDependent);
}
