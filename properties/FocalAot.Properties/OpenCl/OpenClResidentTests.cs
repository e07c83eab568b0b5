using System.Globalization;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Device-resident buffers used as a training loop uses them: logits, targets, weights and upstream uploaded once,
/// several steps of a fused mean into a reused gradient buffer, a per-element forward into a reused losses buffer and a
/// backward with an upstream buffer, and the logits updated in place (a new upload) between steps; every result the
/// CPU's bits, each step. The per-element calls are enqueued and observed only after Synchronize or a download, and
/// an upload enqueued after them does not change what they compute. Outputs written in place over the logits (or the
/// upstream) give the CPU's in-place results. Four storage types; the length spans three chunks and a tail.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClResidentTests(OpenClContextFixture fixture)
{
    private const int Length = (3 * 16384) + 77;
    private const int Steps = 4;

    public static TheoryData<string> Storages => ["float", "double", "Half", "BFloat16"];

    [Theory]
    [MemberData(nameof(Storages))]
    public void A_training_loop_on_resident_buffers_matches_the_CPU_every_step(string storage)
    {
        switch (storage)
        {
            case "float": TrainingLoop<float>(); break;
            case "double": TrainingLoop<double>(); break;
            case "Half": TrainingLoop<Half>(); break;
            default: TrainingLoop<BFloat16>(); break;
        }
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public void Outputs_in_place_over_the_logits_or_upstream_match_the_CPU_in_place(string storage)
    {
        switch (storage)
        {
            case "float": InPlace<float>(); break;
            case "double": InPlace<double>(); break;
            case "Half": InPlace<Half>(); break;
            default: InPlace<BFloat16>(); break;
        }
    }

    /// <summary>Buffers keep their contents between calls: an input is not written by a call, an output only by one that writes it.</summary>
    [Fact]
    public void Inputs_are_left_unchanged_and_outputs_hold_the_last_call_that_wrote_them()
    {
        var context = fixture.Context;
        var inputs = DeviceInputs.Create(seed: 5, Length);
        var (x, y, w, up) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>(), inputs.WeightsAs<float>(), inputs.UpstreamAs<float>());
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<float>(y);
        using var weights = context.Upload<float>(w);
        using var upstream = context.Upload<float>(up);
        using var losses = context.Allocate<float>(Length);
        using var gradient = context.Allocate<float>(Length);

        var options = new FocalLossOptions<float> { Gamma = 2.5, Alpha = 0.25 };
        context.SigmoidFocalLoss.Forward(logits, targets, losses, options, weights);
        context.SigmoidFocalLoss.Backward(logits, targets, upstream, gradient, options);
        context.SigmoidFocalLoss.Backward(logits, targets, 2f, gradient, new FocalLossOptions<float> { Gamma = 2.5, Reduction = FocalReduction.Sum });

        var (cpuLosses, cpuGradient) = (new float[Length], new float[Length]);
        SigmoidFocalLoss.Forward(x, y, cpuLosses, new FocalLossOptions<float> { Gamma = 2.5, Alpha = 0.25, Weights = w });
        SigmoidFocalLoss.Backward(x, y, 2f, cpuGradient, new FocalLossOptions<float> { Gamma = 2.5, Reduction = FocalReduction.Sum });
        DeviceAssert.Identical<float>(cpuLosses, losses.ToArray(), "losses (written by the first call only)");
        DeviceAssert.Identical<float>(cpuGradient, gradient.ToArray(), "gradient (written last by the reduced backward)");
        DeviceAssert.Identical<float>(x, logits.ToArray(), "logits");
        DeviceAssert.Identical<float>(y, targets.ToArray(), "targets");
        DeviceAssert.Identical<float>(w, weights.ToArray(), "weights");
        DeviceAssert.Identical<float>(up, upstream.ToArray(), "upstream");
    }

    private static T[] Step<T>(T[] logits, T[] gradient)
        where T : unmanaged
    {
        // A large rate, so the mean's gradient (about 1/n per element) moves every logit visibly.
        var next = new T[logits.Length];
        for (var i = 0; i < next.Length; i++)
            next[i] = Stored.From<T>(Stored.ToDouble(logits[i]) - (Length / 4.0 * Stored.ToDouble(gradient[i])));
        return next;
    }

    private void TrainingLoop<T>()
        where T : unmanaged
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 41, Length, nonFinite: false);
        var (x, y, w, up) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>(), inputs.UpstreamAs<T>());
        using var logits = context.Upload<T>(x);
        using var targets = context.Upload<T>(y);
        using var weights = context.Upload<T>(w);
        using var upstream = context.Upload<T>(up);
        using var gradient = context.Allocate<T>(Length);
        using var losses = context.Allocate<T>(Length);
        var (cpuGradient, cpuLosses, cpuUpstreamGradient) = (new T[Length], new T[Length], new T[Length]);

        for (var step = 0; step < Steps; step++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $" at step {step} ({typeof(T).Name})");
            var mean = new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, Weights = w, Reduction = FocalReduction.Mean };
            var cpuLoss = SigmoidFocalLoss.ForwardBackward(x, y, cpuGradient, mean);
            var loss = device.ForwardBackward(logits, targets, gradient,
                new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, Reduction = FocalReduction.Mean }, weights);
            DeviceAssert.Identical(cpuLoss, loss, "fused mean loss" + at);
            var fusedGradient = gradient.ToArray();
            DeviceAssert.Identical<T>(cpuGradient, fusedGradient, "fused mean gradient" + at);

            // Enqueued, then the logits overwritten: the in-order queue runs both calls on this step's logits first.
            var perElement = new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25 };
            device.Forward(logits, targets, losses, perElement, weights);
            device.Backward(logits, targets, upstream, gradient, perElement, weights);
            var next = Step(x, fusedGradient);
            logits.Upload(next);
            if (step % 2 == 0)
                context.Synchronize();

            SigmoidFocalLoss.Forward(x, y, cpuLosses, new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, Weights = w });
            SigmoidFocalLoss.Backward(x, y, up, cpuUpstreamGradient, new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, Weights = w });
            DeviceAssert.Identical<T>(cpuLosses, losses.ToArray(), "per-element losses" + at);
            DeviceAssert.Identical<T>(cpuUpstreamGradient, gradient.ToArray(), "gradient with the upstream buffer" + at);
            DeviceAssert.Identical<T>(next, logits.ToArray(), "updated logits" + at);
            Assert.False(x.AsSpan().SequenceEqual(next), "a step must change the logits");
            x = next;
        }
    }

    private void InPlace<T>()
        where T : unmanaged
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 43, Length);
        var finite = DeviceInputs.Create(seed: 44, Length, nonFinite: false);
        var (x, y, w, up) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>(), inputs.UpstreamAs<T>());
        var (fx, fy) = (finite.LogitsAs<T>(), finite.TargetsAs<T>());
        var what = $" in place ({typeof(T).Name})";
        using var targets = context.Upload<T>(y);
        using var finiteTargets = context.Upload<T>(fy);
        using var weights = context.Upload<T>(w);

        // Forward: losses over the logits.
        var cpu = (T[])x.Clone();
        SigmoidFocalLoss.Forward(cpu, y, cpu, new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, Weights = w });
        using (var logits = context.Upload<T>(x))
        {
            device.Forward(logits, targets, logits, new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25 }, weights);
            DeviceAssert.Identical<T>(cpu, logits.ToArray(), "losses over the logits" + what);
        }

        // Backward with an upstream: the gradient over the logits, then over the upstream.
        cpu = (T[])x.Clone();
        SigmoidFocalLoss.Backward(cpu, y, up, cpu, new FocalLossOptions<T> { Gamma = 0.5 });
        using (var logits = context.Upload<T>(x))
        using (var upstream = context.Upload<T>(up))
        {
            device.Backward(logits, targets, upstream, logits, new FocalLossOptions<T> { Gamma = 0.5 });
            DeviceAssert.Identical<T>(cpu, logits.ToArray(), "gradient over the logits" + what);
            DeviceAssert.Identical<T>(up, upstream.ToArray(), "upstream, read only");
        }

        cpu = (T[])up.Clone();
        SigmoidFocalLoss.Backward(x, y, cpu, cpu, new FocalLossOptions<T> { Gamma = 0.5 });
        using (var logits = context.Upload<T>(x))
        using (var upstream = context.Upload<T>(up))
        {
            device.Backward(logits, targets, upstream, upstream, new FocalLossOptions<T> { Gamma = 0.5 });
            DeviceAssert.Identical<T>(cpu, upstream.ToArray(), "gradient over the upstream" + what);
        }

        // Fused per element: the losses over the logits, the gradient apart (and the other way round).
        var (cpuLogits, cpuGradient) = ((T[])x.Clone(), new T[Length]);
        SigmoidFocalLoss.ForwardBackward(cpuLogits, y, cpuLogits, cpuGradient, new FocalLossOptions<T> { Gamma = 3, Weights = w });
        using (var logits = context.Upload<T>(x))
        using (var gradient = context.Allocate<T>(Length))
        {
            device.ForwardBackward(logits, targets, logits, gradient, new FocalLossOptions<T> { Gamma = 3 }, weights);
            DeviceAssert.Identical<T>(cpuLogits, logits.ToArray(), "fused losses over the logits" + what);
            DeviceAssert.Identical<T>(cpuGradient, gradient.ToArray(), "fused gradient beside them" + what);
        }

        var cpuLosses = new T[Length];
        cpuLogits = (T[])x.Clone();
        SigmoidFocalLoss.ForwardBackward(cpuLogits, y, cpuLosses, cpuLogits, new FocalLossOptions<T> { Gamma = 3 });
        using (var logits = context.Upload<T>(x))
        using (var losses = context.Allocate<T>(Length))
        {
            device.ForwardBackward(logits, targets, losses, logits, new FocalLossOptions<T> { Gamma = 3 });
            DeviceAssert.Identical<T>(cpuLosses, losses.ToArray(), "fused losses beside the gradient" + what);
            DeviceAssert.Identical<T>(cpuLogits, logits.ToArray(), "fused gradient over the logits" + what);
        }

        // Reduced: the fused mean's gradient, and the gradient of a weighted mean, over the logits.
        cpuLogits = (T[])fx.Clone();
        var cpuLoss = SigmoidFocalLoss.ForwardBackward(cpuLogits, fy, cpuLogits, new FocalLossOptions<T> { Reduction = FocalReduction.Mean });
        using (var logits = context.Upload<T>(fx))
        {
            var loss = device.ForwardBackward(logits, finiteTargets, logits, new FocalLossOptions<T> { Reduction = FocalReduction.Mean });
            DeviceAssert.Identical(cpuLoss, loss, "fused mean loss, gradient in place" + what);
            DeviceAssert.Identical<T>(cpuLogits, logits.ToArray(), "fused mean gradient over the logits" + what);
        }

        cpuLogits = (T[])fx.Clone();
        var scale = Stored.From<T>(-1.5);
        SigmoidFocalLoss.Backward(cpuLogits, fy, scale, cpuLogits, new FocalLossOptions<T> { Weights = w, Reduction = FocalReduction.WeightedMean });
        using (var logits = context.Upload<T>(fx))
        {
            device.Backward(logits, finiteTargets, scale, logits, new FocalLossOptions<T> { Reduction = FocalReduction.WeightedMean }, weights);
            DeviceAssert.Identical<T>(cpuLogits, logits.ToArray(), "weighted mean gradient over the logits" + what);
        }
    }
}
