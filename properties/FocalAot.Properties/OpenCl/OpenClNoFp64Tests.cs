using System.Globalization;
using FocalAot.OpenCl;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// A context created with <c>useFp64: false</c> on a device that has fp64, as on a device without it: double storage
/// and the generic γ program (q^γ in double) are not supported, with a message naming fp64; the built-in γ in float,
/// Half and BFloat16 give the CPU's per-element bits (losses, gradients, and the gradients of the sum, mean and
/// normalized sum, which need no sum); sums accumulated in float are the same bits on every run, follow the CPU's
/// canonical order exactly (float storage, checked against that order computed here from the CPU's losses), and are
/// within the bound <see cref="OpenClContext.UsesFp64"/> documents; a float sum that overflows is +∞ where the CPU's
/// double sum is not.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClNoFp64Tests(OpenClContextFixture fixture, OpenClNoFp64Tests.NoFp64Context noFp64)
    : IClassFixture<OpenClNoFp64Tests.NoFp64Context>
{
    private const int Length = (5 * 16384) + 333;
    private const int Lanes = 16;
    private const int Chunk = 16384;

    private static readonly double[] ClassTable = [0.25, 0.75, 0.5];

    /// <summary>The context without fp64 (skips the test where there is no OpenCL device, as the shared fixture does).</summary>
    private OpenClContext Context
    {
        get
        {
            _ = fixture.Context;
            return noFp64.Context!;
        }
    }

    public static TheoryData<string, double> BuiltInGammas()
    {
        var data = new TheoryData<string, double>();
        foreach (var storage in new[] { "float", "Half", "BFloat16" })
        {
            foreach (var gamma in new[] { 0.0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5 })
                data.Add(storage, gamma);
        }

        return data;
    }

    public static TheoryData<string, string> SumCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var storage in new[] { "float", "Half", "BFloat16" })
        {
            foreach (var reduction in new[] { "Sum", "Mean", "WeightedMean", "Normalized" })
                data.Add(storage, reduction);
        }

        return data;
    }

    [Fact]
    public void The_context_runs_without_fp64_on_a_device_that_has_it()
    {
        Assert.True(Context.Device.SupportsFp64, "these tests need a device with fp64 (PoCL has it) to compare the two modes");
        Assert.False(Context.UsesFp64);
        Assert.True(fixture.Context.UsesFp64);
        Assert.Same(fixture.Context.Device, Context.Device);
    }

    [Fact]
    public void Double_storage_is_not_supported()
    {
        double[] x = [0.5, -1, 2];
        double[] y = [1, 0, 0.5];
        var device = Context.SigmoidFocalLoss;
        using var bx = Context.Upload<double>(x);
        using var by = Context.Upload<double>(y);
        using var output = Context.Allocate<double>(3);
        using var other = Context.Allocate<double>(3);
        var sum = FocalReduction.Sum;
        AssertNeedsFp64("double", () => device.Forward(x, y, new double[3], default));
        AssertNeedsFp64("double", () => device.Forward(x, y, new FocalLossOptions<double> { Reduction = sum }));
        AssertNeedsFp64("double", () => device.ForwardBackward(x, y, new double[3], new FocalLossOptions<double> { Reduction = sum }));
        AssertNeedsFp64("double", () => device.Forward(bx, by, output, default));
        AssertNeedsFp64("double", () => device.Backward(bx, by, by, output, default));
        AssertNeedsFp64("double", () => device.Backward(bx, by, 1.0, output, new FocalLossOptions<double> { Reduction = sum }));
        AssertNeedsFp64("double", () => device.ForwardBackward(bx, by, output, other, default));
        AssertNeedsFp64("double", () => device.ForwardBackward(bx, by, output, new FocalLossOptions<double> { Reduction = sum }));
    }

    [Fact]
    public void A_generic_gamma_is_not_supported()
    {
        float[] x = [0.5f, -1, 2];
        float[] y = [1, 0, 0.5f];
        var device = Context.SigmoidFocalLoss;
        foreach (var gamma in new[] { 0.7, 6, 1e6 })
        {
            AssertNeedsFp64("gamma", () => device.Forward(x, y, new float[3], new FocalLossOptions<float> { Gamma = gamma }));
            AssertNeedsFp64("gamma", () => device.Forward(Stored.From<Half>([0.5, -1]), Stored.From<Half>([1, 0]), new Half[2],
                new FocalLossOptions<Half> { Gamma = gamma }));
            AssertNeedsFp64("gamma", () => device.Forward(Stored.From<BFloat16>([0.5, -1]), Stored.From<BFloat16>([1, 0]),
                new FocalLossOptions<BFloat16> { Gamma = gamma, Reduction = FocalReduction.Mean }));
        }

        AssertNeedsFp64("gamma", () => device.Forward(x, y, new float[3], new FocalLossOptions<float> { Gamma = 2, ForceGenericKernel = true }));

        // γ = 0 has no power: it always runs its own program, forced or not.
        var cpu = new float[3];
        SigmoidFocalLoss.Forward(x, y, cpu, new FocalLossOptions<float> { Gamma = 0, ForceGenericKernel = true });
        var actual = new float[3];
        device.Forward(x, y, actual, new FocalLossOptions<float> { Gamma = 0, ForceGenericKernel = true });
        DeviceAssert.Identical<float>(cpu, actual, "gamma 0, generic kernel forced");
    }

    [Theory]
    [MemberData(nameof(BuiltInGammas))]
    public void A_built_in_gamma_gives_the_CPU_bits_per_element(string storage, double gamma)
    {
        switch (storage)
        {
            case "float": PerElement<float>(gamma); break;
            case "Half": PerElement<Half>(gamma); break;
            default: PerElement<BFloat16>(gamma); break;
        }
    }

    [Theory]
    [MemberData(nameof(SumCases))]
    public void Float_sums_are_reproducible_and_within_the_documented_bound(string storage, string reduction)
    {
        var kind = reduction switch
        {
            "Sum" => FocalReduction.Sum,
            "Mean" => FocalReduction.Mean,
            "WeightedMean" => FocalReduction.WeightedMean,
            _ => FocalReduction.Normalized(977.25),
        };
        switch (storage)
        {
            case "float": Sums<float>(kind); break;
            case "Half": Sums<Half>(kind); break;
            default: Sums<BFloat16>(kind); break;
        }
    }

    /// <summary>Float storage: the device's result is the float sum of the CPU's own losses in the canonical order, computed here.</summary>
    [Fact]
    public void Float_sums_follow_the_canonical_order_exactly()
    {
        var inputs = DeviceInputs.Create(seed: 83, Length, nonFinite: false);
        var (x, y, w) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>(), inputs.WeightsAs<float>());
        var losses = new float[Length];
        SigmoidFocalLoss.Forward(x, y, losses, new FocalLossOptions<float> { Gamma = 1.5, Weights = w, ClassAlpha = ClassTable });
        double lossSum = CanonicalFloatSum(losses), weightSum = CanonicalFloatSum(w);
        foreach (var (reduction, denominator) in new[]
                 {
                     (FocalReduction.Sum, 1.0), (FocalReduction.Mean, Length), (FocalReduction.Normalized(3.5), 3.5),
                     (FocalReduction.WeightedMean, weightSum),
                 })
        {
            var expected = (float)(lossSum / denominator);
            var options = new FocalLossOptions<float> { Gamma = 1.5, Weights = w, ClassAlpha = ClassTable, Reduction = reduction };
            DeviceAssert.Identical(expected, Context.SigmoidFocalLoss.Forward(x, y, options), $"{reduction} in the canonical float order");
            DeviceAssert.Identical(expected, Context.SigmoidFocalLoss.ForwardBackward(x, y, new float[Length], options),
                $"fused {reduction} in the canonical float order");
        }

        // The order matters: the plain left-to-right float sum of these losses has other bits.
        var sequential = 0f;
        foreach (var loss in losses)
            sequential += loss;
        Assert.NotEqual((float)lossSum, sequential);
    }

    /// <summary>Two losses near float's largest value: the float sum overflows to +∞, the CPU's double sum does not.</summary>
    [Fact]
    public void A_float_sum_that_overflows_is_infinite()
    {
        float[] x = [3e38f, 3e38f];
        float[] y = [0, 0];
        var options = new FocalLossOptions<float> { Gamma = 0, Alpha = -1, Reduction = FocalReduction.Mean };
        var cpu = SigmoidFocalLoss.Forward(x, y, options);
        Assert.Equal(3e38f, cpu);
        DeviceAssert.Identical(cpu, fixture.Context.SigmoidFocalLoss.Forward(x, y, options), "the mean with fp64");
        Assert.Equal(float.PositiveInfinity, Context.SigmoidFocalLoss.Forward(x, y, options));
    }

    private static void AssertNeedsFp64(string what, Action action)
    {
        var error = Assert.Throws<NotSupportedException>(action);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Contains("fp64", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("useFp64: false", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The float sum of <paramref name="values"/> in the canonical order: 16 lanes per 16,384-element chunk, the fixed
    /// pairwise tree over the lanes, the chunk totals in chunk order.</summary>
    private static float CanonicalFloatSum(float[] values)
    {
        var total = 0f;
        Span<float> level = stackalloc float[Lanes];
        for (var start = 0; start < values.Length; start += Chunk)
        {
            var end = Math.Min(start + Chunk, values.Length);
            for (var lane = 0; lane < Lanes; lane++)
            {
                var sum = 0f;
                for (var i = start + lane; i < end; i += Lanes)
                    sum += values[i];
                level[lane] = sum;
            }

            for (var width = Lanes / 2; width >= 1; width /= 2)
            {
                for (var j = 0; j < width; j++)
                    level[j] += level[j + width];
            }

            total += level[0];
        }

        return total;
    }

    private void PerElement<T>(double gamma)
        where T : unmanaged
    {
        var device = Context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 81 + (int)(gamma * 10), Length);
        var (x, y, w, up) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>(), inputs.UpstreamAs<T>());
        var what = string.Create(CultureInfo.InvariantCulture, $" (gamma {gamma}, {typeof(T).Name}, no fp64)");
        var (cpuLosses, cpuGradient, losses, gradient) = (new T[Length], new T[Length], new T[Length], new T[Length]);

        FocalLossOptions<T> Fused() => new() { Gamma = gamma, Weights = w, ClassAlpha = ClassTable };
        SigmoidFocalLoss.ForwardBackward(x, y, cpuLosses, cpuGradient, Fused());
        device.ForwardBackward(x, y, losses, gradient, Fused());
        DeviceAssert.Identical<T>(cpuLosses, losses, "fused losses" + what);
        DeviceAssert.Identical<T>(cpuGradient, gradient, "fused gradient" + what);

        SigmoidFocalLoss.Forward(x, y, cpuLosses, new FocalLossOptions<T> { Gamma = gamma, Alpha = 0.4 });
        device.Forward(x, y, losses, new FocalLossOptions<T> { Gamma = gamma, Alpha = 0.4 });
        DeviceAssert.Identical<T>(cpuLosses, losses, "losses" + what);

        SigmoidFocalLoss.Backward(x, y, up, cpuGradient, new FocalLossOptions<T> { Gamma = gamma, Weights = w });
        device.Backward(x, y, up, gradient, new FocalLossOptions<T> { Gamma = gamma, Weights = w });
        DeviceAssert.Identical<T>(cpuGradient, gradient, "gradient with an upstream" + what);

        // The gradients of a sum, a mean and a normalized sum are scaled per element, with no sum to take.
        var scale = Stored.From<T>(0.75);
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(12.5) })
        {
            SigmoidFocalLoss.Backward(x, y, scale, cpuGradient, new FocalLossOptions<T> { Gamma = gamma, Weights = w, Reduction = reduction });
            device.Backward(x, y, scale, gradient, new FocalLossOptions<T> { Gamma = gamma, Weights = w, Reduction = reduction });
            DeviceAssert.Identical<T>(cpuGradient, gradient, $"gradient of the {reduction}{what}");
        }
    }

    private void Sums<T>(FocalReduction reduction)
        where T : unmanaged
    {
        var device = Context.SigmoidFocalLoss;
        // Logits in [-8, 8] and weights up to 1, so that even Half holds the sum.
        var inputs = DeviceInputs.Create(seed: 82, Length, nonFinite: false);
        var x = Stored.From<T>(Array.ConvertAll(inputs.Logits, v => Math.Clamp(v, -8, 8)));
        var (y, w) = (inputs.TargetsAs<T>(), Stored.From<T>(Array.ConvertAll(inputs.Weights, v => Math.Min(v, 1))));
        var what = $"{reduction} ({typeof(T).Name}, no fp64)";
        FocalLossOptions<T> Options() => new() { Gamma = 2, Weights = w, Reduction = reduction };

        var cpu = SigmoidFocalLoss.Forward(x, y, Options());
        var first = device.Forward(x, y, Options());
        for (var run = 0; run < 3; run++)
        {
            DeviceAssert.Identical(first, device.Forward(x, y, Options()), $"{what}, run {run + 2}");
            DeviceAssert.Identical(first, device.ForwardBackward(x, y, new T[Length], Options()), $"fused {what}, run {run + 2}");
        }

        // UsesFp64's bound: each float sum within n·2⁻²⁴ of the CPU's (losses and weights are ≥ 0); a weighted mean divides
        // two such sums (twice the bound); then each result is rounded once to T (one spacing of T apart at most).
        var (expected, actual) = (Stored.ToDouble(cpu), Stored.ToDouble(first));
        var sums = reduction.Kind == FocalReductionKind.WeightedMean ? 2 : 1;
        var bound = (sums * Length * Math.ScaleB(1, -24) * Math.Abs(expected)) + Stored.SpacingToward(cpu, actual);
        Assert.True(double.IsFinite(expected) && expected > 0, $"{what}: the CPU result must be finite and positive: {expected}");
        Assert.True(Math.Abs(actual - expected) <= bound,
            string.Create(CultureInfo.InvariantCulture, $"{what}: device {actual:R}, CPU {expected:R}, |difference| above the bound {bound:R}"));
    }

    /// <summary>A context on the first device that runs as if the device had no fp64.</summary>
    public sealed class NoFp64Context : IDisposable
    {
        public OpenClContext? Context { get; } = OpenClDevices.All.Count > 0 ? OpenClContext.Create(OpenClDevices.All[0], useFp64: false) : null;

        public void Dispose() => Context?.Dispose();
    }
}
