using System.Globalization;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Every length gives the CPU's bits on the device: the host-span calls (fused with a mean and per element, a forward
/// sum, a weighted mean, a backward with an upstream span) for every n from 0 to 600, around the 256-item work-group
/// multiple the launches round to, around the 16-lane groups and 16,384-element chunks of the canonical sum (and where
/// the reduction's 16 items per chunk pass one work-group multiple), and once at n = 2²² (float, fused mean and
/// none). Float storage throughout; Half, BFloat16 and double over a shorter sweep.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClLengthTests(OpenClContextFixture fixture)
{
    private const double Gamma = 2;
    private const double Alpha = 0.25;

    /// <summary>The work-group multiple (256), the lanes (16) and chunks (16,384) each side, and 16 chunks (256 reduction items).</summary>
    public static TheoryData<int> BoundaryLengths =>
        [255, 256, 257, 511, 512, 513, 16383, 16384, 16385, 32767, 32768, 32769, 65535, 65536, 65537, 262143, 262144, 262145];

    /// <summary>The shorter sweep of the other storage types: 0 to 80, and each side of 256 and of one and two chunks.</summary>
    public static TheoryData<string> OtherStorages => ["Half", "BFloat16", "double"];

    [Fact]
    public void Every_length_from_0_to_600_matches_the_CPU()
    {
        var inputs = LengthInputs<float>.Create(seed: 600, 600);
        for (var n = 0; n <= 600; n++)
            Check(inputs, n);
    }

    [Theory]
    [MemberData(nameof(BoundaryLengths))]
    public void Lengths_at_the_work_group_lane_and_chunk_boundaries_match_the_CPU(int n)
        => Check(LengthInputs<float>.Create(seed: n, n), n);

    [Theory]
    [MemberData(nameof(OtherStorages))]
    public void Other_storage_types_match_the_CPU_over_a_shorter_sweep(string storage)
    {
        switch (storage)
        {
            case "Half": Sweep<Half>(); break;
            case "BFloat16": Sweep<BFloat16>(); break;
            default: Sweep<double>(); break;
        }
    }

    /// <summary>2²² float elements: the fused mean (loss and gradient) and the fused per-element call.</summary>
    [Fact]
    public void Four_million_float_elements_match_the_CPU()
    {
        const int n = 1 << 22;
        var device = fixture.Context.SigmoidFocalLoss;
        var inputs = LengthInputs<float>.Create(seed: 22, n);
        var (x, y, w) = (inputs.Logits, inputs.Targets, inputs.Weights);
        var (cpuLosses, cpuGradient, losses, gradient) = (new float[n], new float[n], new float[n], new float[n]);

        SigmoidFocalLoss.ForwardBackward(x, y, cpuLosses, cpuGradient, new FocalLossOptions<float> { Gamma = Gamma, Alpha = Alpha, Weights = w });
        device.ForwardBackward(x, y, losses, gradient, new FocalLossOptions<float> { Gamma = Gamma, Alpha = Alpha, Weights = w });
        DeviceAssert.Identical<float>(cpuLosses, losses, "fused none loss at n = 2^22");
        DeviceAssert.Identical<float>(cpuGradient, gradient, "fused none gradient at n = 2^22");

        var (fx, fy) = (inputs.FiniteLogits, inputs.FiniteTargets);
        var mean = new FocalLossOptions<float> { Gamma = Gamma, Alpha = Alpha, Reduction = FocalReduction.Mean };
        var cpuLoss = SigmoidFocalLoss.ForwardBackward(fx, fy, cpuGradient, mean);
        var loss = device.ForwardBackward(fx, fy, gradient, mean);
        Assert.True(float.IsFinite(cpuLoss) && cpuLoss > 0, $"the mean must be a finite positive number to compare sums: {cpuLoss}");
        DeviceAssert.Identical(cpuLoss, loss, "fused mean loss at n = 2^22");
        DeviceAssert.Identical<float>(cpuGradient, gradient, "fused mean gradient at n = 2^22");
    }

    private void Sweep<T>()
        where T : unmanaged
    {
        var inputs = LengthInputs<T>.Create(seed: 80, 80);
        for (var n = 0; n <= 80; n++)
            Check(inputs, n);
        foreach (var n in new[] { 255, 256, 257, 16383, 16384, 16385, 32767, 32768, 32769 })
            Check(LengthInputs<T>.Create(seed: n, n), n);
    }

    /// <summary>Each host-span call on the first <paramref name="n"/> elements of <paramref name="inputs"/>, device against CPU.</summary>
    private void Check<T>(LengthInputs<T> inputs, int n)
        where T : unmanaged
    {
        var device = fixture.Context.SigmoidFocalLoss;
        var at = string.Create(CultureInfo.InvariantCulture, $" ({typeof(T).Name}, n = {n})");
        ReadOnlySpan<T> x = inputs.Logits.AsSpan(0, n), y = inputs.Targets.AsSpan(0, n), w = inputs.Weights.AsSpan(0, n);
        ReadOnlySpan<T> up = inputs.Upstream.AsSpan(0, n), fx = inputs.FiniteLogits.AsSpan(0, n), fy = inputs.FiniteTargets.AsSpan(0, n);
        var (cpuLosses, cpuGradient, losses, gradient) = (new T[n], new T[n], new T[n], new T[n]);

        SigmoidFocalLoss.ForwardBackward(x, y, cpuLosses, cpuGradient, new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha, Weights = w });
        device.ForwardBackward(x, y, losses, gradient, new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha, Weights = w });
        DeviceAssert.Identical<T>(cpuLosses, losses, "fused none loss" + at);
        DeviceAssert.Identical<T>(cpuGradient, gradient, "fused none gradient" + at);

        SigmoidFocalLoss.Backward(x, y, up, cpuGradient, new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha });
        device.Backward(x, y, up, gradient, new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha });
        DeviceAssert.Identical<T>(cpuGradient, gradient, "backward with an upstream span" + at);

        var mean = new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha, Reduction = FocalReduction.Mean };
        var cpuMean = SigmoidFocalLoss.ForwardBackward(fx, fy, cpuGradient, mean);
        DeviceAssert.Identical(cpuMean, device.ForwardBackward(fx, fy, gradient, mean), "fused mean loss" + at);
        DeviceAssert.Identical<T>(cpuGradient, gradient, "fused mean gradient" + at);

        var sum = new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha, Weights = w, Reduction = FocalReduction.Sum };
        DeviceAssert.Identical(SigmoidFocalLoss.Forward(fx, fy, sum), device.Forward(fx, fy, sum), "forward sum" + at);

        var weightedMean = new FocalLossOptions<T> { Gamma = Gamma, Alpha = Alpha, Weights = w, Reduction = FocalReduction.WeightedMean };
        DeviceAssert.Identical(SigmoidFocalLoss.Forward(fx, fy, weightedMean), device.Forward(fx, fy, weightedMean), "forward weighted mean" + at);
    }

    /// <summary>Inputs stored in <typeparamref name="T"/>: all kinds of logits for per-element calls, finite ones for sums.</summary>
    private sealed record LengthInputs<T>(T[] Logits, T[] Targets, T[] Weights, T[] Upstream, T[] FiniteLogits, T[] FiniteTargets)
        where T : unmanaged
    {
        public static LengthInputs<T> Create(int seed, int length)
        {
            var inputs = DeviceInputs.Create(seed, length);
            var finite = DeviceInputs.Create(seed + 1, length, nonFinite: false);
            return new(inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>(), inputs.UpstreamAs<T>(),
                finite.LogitsAs<T>(), finite.TargetsAs<T>());
        }
    }
}
