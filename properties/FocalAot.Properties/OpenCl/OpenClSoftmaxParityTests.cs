using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// The OpenCL softmax path gives the CPU path's bits: per-sample losses and gradients (forward, backward with an
/// upstream span, fused) and every reduction's loss and gradient (sum, mean, normalized, weighted mean; backward with a
/// scalar upstream, fused), for float, double, Half and BFloat16 storage; int and long class indices (with ignored
/// rows) and soft targets; built-in γ (specialized programs), other γ and a declined specialization (the generic
/// program), FLSD-53; scalar and per-class α (also up to 1.2e38, and a normalizer of 1e-300: scales beyond float's
/// range), per-sample weights, label smoothing (also ε = 1, every coefficient from smoothing), Poly-1 of both signs;
/// C = 1, tails around 16, 32 and 64 lanes, 129 and 1203 classes; [N, C, S] layouts. The sample count spans several of
/// the CPU's row chunks. Rows include confident, tied, ±1e4 and -∞ logits, and per-sample checks NaN and +∞ rows; the
/// reductions are checked on rows whose softmax is defined (a NaN would make every order agree).
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClSoftmaxParityTests(OpenClContextFixture fixture)
{
    private static readonly Dictionary<string, Scenario> Scenarios = new[]
    {
        new Scenario("int, gamma 2, C 16", 16) { Gamma = 2 },
        new Scenario("long, gamma 0, alpha, ignored rows, C 17", 17) { Targets = "long", Gamma = 0, Alpha = 0.25, Ignore = true },
        new Scenario("int, gamma 0.5, class alpha, weights, C 33", 33) { Gamma = 0.5, ClassAlpha = true, Weights = true },
        new Scenario("soft, gamma 2, C 31", 31) { Targets = "soft", Gamma = 2 },
        new Scenario("soft, gamma 2.5, class alpha, weights, smoothing, C 32", 32)
            { Targets = "soft", Gamma = 2.5, ClassAlpha = true, Weights = true, Smoothing = 0.2 },
        new Scenario("int, gamma 3, smoothing, C 64", 64) { Gamma = 3, Smoothing = 0.1 },
        new Scenario("long, gamma 1, smoothing, class alpha, weights, Poly-1, ignored rows, C 65", 65)
            { Targets = "long", Gamma = 1, Smoothing = 0.05, ClassAlpha = true, Weights = true, Poly = 1, Ignore = true },
        new Scenario("int, gamma 4, Poly-1 negative, C 63", 63) { Gamma = 4, Poly = -0.5 },
        new Scenario("long, FLSD-53, C 15", 15) { Targets = "long", SampleDependent = true },
        new Scenario("soft, FLSD-53, Poly-1, smoothing, C 7", 7) { Targets = "soft", SampleDependent = true, Poly = 2, Smoothing = 0.3 },
        new Scenario("int, generic gamma 0.7, alpha, C 1203", 1203) { Gamma = 0.7, Alpha = 0.75 },
        new Scenario("int, declined specialization gamma 2, smoothing, C 129", 129) { Gamma = 2, ForceGeneric = true, Smoothing = 0.1 },
        new Scenario("soft, generic gamma 6, C 1", 1) { Targets = "soft", Gamma = 6 },
        new Scenario("int, generic gamma 9.5 (power in double), smoothing, C 35", 35) { Gamma = 9.5, Smoothing = 0.1 },
        new Scenario("int, gamma 2, weights, C 1", 1) { Gamma = 2, Weights = true },
        new Scenario("int, gamma 5, smoothing 1, C 20", 20) { Gamma = 5, Smoothing = 1 },
        new Scenario("int, [N, C, S] C 5 S 7, gamma 2, smoothing, weights, ignored rows", 5, 7)
            { Gamma = 2, Smoothing = 0.1, Weights = true, Ignore = true },
        new Scenario("soft, [N, C, S] C 3 S 16, gamma 0.5, class alpha", 3, 16) { Targets = "soft", Gamma = 0.5, ClassAlpha = true },
        new Scenario("int, gamma 2, class alpha to 1.2e38, weights, Poly-1, C 9", 9)
            { Gamma = 2, ClassAlpha = true, ClassAlphaScale = 1e38, Weights = true, Poly = 1 },
        new Scenario("soft, gamma 0.5, class alpha to 1.2e38, weights, smoothing, C 40", 40)
            { Targets = "soft", Gamma = 0.5, ClassAlpha = true, ClassAlphaScale = 1e38, Weights = true, Smoothing = 0.1 },
    }.ToDictionary(scenario => scenario.Name);

    /// <summary>The reductions; a normalizer of 1e-300 puts the gradient's scale beyond float's range.</summary>
    private static readonly FocalReduction[] Reductions =
        [FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(321.5), FocalReduction.Normalized(1e-300), FocalReduction.WeightedMean];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            foreach (var name in Scenarios.Keys)
                data.Add(storage, name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_operation_and_reduction_matches_the_CPU_bit_for_bit(string storage, string scenario)
    {
        switch (storage)
        {
            case "float": Check<float>(Scenarios[scenario]); break;
            case "double": Check<double>(Scenarios[scenario]); break;
            case "Half": Check<Half>(Scenarios[scenario]); break;
            default: Check<BFloat16>(Scenarios[scenario]); break;
        }
    }

    /// <summary>On device buffers, with a weights buffer, the gradient written over the logits buffer is the CPU's in place.</summary>
    [Theory]
    [InlineData("float")]
    [InlineData("BFloat16")]
    public void The_gradient_may_be_written_over_the_logits_buffer(string storage)
    {
        if (storage == "float")
            InPlace<float>();
        else
            InPlace<BFloat16>();
    }

    private void InPlace<T>()
        where T : unmanaged
    {
        var scenario = Scenarios["int, [N, C, S] C 5 S 7, gamma 2, smoothing, weights, ignored rows"];
        var inputs = OpenClSoftmaxInputs.Create(seed: 11, scenario.Samples, scenario.Shape, finite: false, ignore: true);
        var (x, y, w, up) = (Stored.From<T>(inputs.Logits), inputs.Indices, Stored.From<T>(inputs.Weights), Stored.From<T>(inputs.Upstream));
        var cpu = (T[])x.Clone();
        SoftmaxFocalLoss.Backward<T, long>(cpu, y, scenario.Shape, up, cpu, scenario.Options<T>(default, w));

        var context = fixture.Context;
        using var logits = context.Upload<T>(x);
        using var targets = context.Upload<long>(y);
        using var weights = context.Upload<T>(w);
        using var upstream = context.Upload<T>(up);
        context.SoftmaxFocalLoss.Backward(logits, targets, scenario.Shape, upstream, logits, scenario.Options<T>(default, []), weights);
        DeviceAssert.Identical<T>(cpu, logits.ToArray(), "gradient over the logits");
    }

    private void Check<T>(Scenario scenario)
        where T : unmanaged
    {
        var seed = scenario.Name.Length * 7919;
        var inputs = OpenClSoftmaxInputs.Create(seed, scenario.Samples, scenario.Shape, finite: false, scenario.Ignore);
        var finite = OpenClSoftmaxInputs.Create(seed + 1, scenario.Samples, scenario.Shape, finite: true, scenario.Ignore);
        switch (scenario.Targets)
        {
            case "int":
                Compare<T, int>(scenario, inputs, finite, i => Array.ConvertAll(i.Indices, v => (int)v));
                break;
            case "long":
                Compare<T, long>(scenario, inputs, finite, i => i.Indices);
                break;
            default:
                Compare<T, T>(scenario, inputs, finite, i => Stored.From<T>(i.Probabilities));
                break;
        }
    }

    private void Compare<T, TTarget>(
        Scenario scenario, OpenClSoftmaxInputs inputs, OpenClSoftmaxInputs finite, Func<OpenClSoftmaxInputs, TTarget[]> targetsOf)
        where T : unmanaged
        where TTarget : unmanaged
    {
        var device = fixture.Context.SoftmaxFocalLoss;
        var shape = scenario.Shape;
        var (x, y, w, up) = (Stored.From<T>(inputs.Logits), targetsOf(inputs), Stored.From<T>(inputs.Weights), Stored.From<T>(inputs.Upstream));
        var samples = inputs.Samples;
        var (cpuLosses, cpuGradient, losses, gradient) = (new T[samples], new T[x.Length], new T[samples], new T[x.Length]);

        SoftmaxFocalLoss.Forward<T, TTarget>(x, y, shape, cpuLosses, scenario.Options<T>(default, w));
        device.Forward<T, TTarget>(x, y, shape, losses, scenario.Options<T>(default, w));
        DeviceAssert.Identical<T>(cpuLosses, losses, "per-sample loss");

        SoftmaxFocalLoss.Backward<T, TTarget>(x, y, shape, up, cpuGradient, scenario.Options<T>(default, w));
        device.Backward<T, TTarget>(x, y, shape, up, gradient, scenario.Options<T>(default, w));
        DeviceAssert.Identical<T>(cpuGradient, gradient, "gradient with an upstream span");

        SoftmaxFocalLoss.ForwardBackward<T, TTarget>(x, y, shape, cpuLosses, cpuGradient, scenario.Options<T>(default, w));
        device.ForwardBackward<T, TTarget>(x, y, shape, losses, gradient, scenario.Options<T>(default, w));
        DeviceAssert.Identical<T>(cpuLosses, losses, "fused per-sample loss");
        DeviceAssert.Identical<T>(cpuGradient, gradient, "fused per-sample gradient");

        (x, y) = (Stored.From<T>(finite.Logits), targetsOf(finite));
        foreach (var reduction in Reductions)
        {
            var options = scenario.Options<T>(reduction, w);
            DeviceAssert.Identical(
                SoftmaxFocalLoss.Forward<T, TTarget>(x, y, shape, options), device.Forward<T, TTarget>(x, y, shape, options), $"{reduction} loss");

            var upstream = Stored.From<T>(0.75);
            SoftmaxFocalLoss.Backward<T, TTarget>(x, y, shape, upstream, cpuGradient, options);
            device.Backward<T, TTarget>(x, y, shape, upstream, gradient, options);
            DeviceAssert.Identical<T>(cpuGradient, gradient, $"gradient of the {reduction} loss");

            var cpuLoss = SoftmaxFocalLoss.ForwardBackward<T, TTarget>(x, y, shape, cpuGradient, options);
            var loss = device.ForwardBackward<T, TTarget>(x, y, shape, gradient, options);
            DeviceAssert.Identical(cpuLoss, loss, $"fused {reduction} loss");
            DeviceAssert.Identical<T>(cpuGradient, gradient, $"fused gradient of the {reduction} loss");
        }
    }

    /// <summary>One combination of shape, targets and options.</summary>
    private sealed record Scenario(string Name, int Classes, int Spatial = 1)
    {
        public string Targets { get; init; } = "int";

        public double Gamma { get; init; }

        public bool SampleDependent { get; init; }

        public bool ForceGeneric { get; init; }

        public double Alpha { get; init; } = -1;

        public bool ClassAlpha { get; init; }

        /// <summary>What the class α table is multiplied by: beyond 2^64 every weighted row runs scaled into range.</summary>
        public double ClassAlphaScale { get; init; } = 1;

        public bool Weights { get; init; }

        public double Smoothing { get; init; }

        public double Poly { get; init; }

        public bool Ignore { get; init; }

        public SoftmaxShape Shape => new(Classes, Spatial);

        /// <summary>About 40,000 logits: several of the CPU's row chunks of 16,384 logits, and a partial one.</summary>
        public int Samples => Math.Max(3, 40_000 / Classes / Spatial) * Spatial;

        public FocalLossOptions<T> Options<T>(FocalReduction reduction, T[] weights)
            where T : unmanaged
        {
            var options = new FocalLossOptions<T>
            {
                SampleDependentGamma = SampleDependent,
                ForceGenericKernel = ForceGeneric,
                Alpha = Alpha,
                ClassAlpha = ClassAlpha ? Enumerable.Range(0, Classes).Select(c => (c % 5) * 0.3 * ClassAlphaScale).ToArray() : null,
                Weights = Weights ? weights : null,
                LabelSmoothing = Smoothing,
                PolyEpsilon = Poly,
                IgnoreIndex = OpenClSoftmaxInputs.IgnoreIndex,
                Reduction = reduction,
            };
            return SampleDependent ? options : options with { Gamma = Gamma };
        }
    }
}
