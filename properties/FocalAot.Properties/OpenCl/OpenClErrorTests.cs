using System.Globalization;
using FocalAot.OpenCl;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// The OpenCL path's errors are the CPU path's: the same exception type, parameter name and message (compared with the
/// CPU's own error for the same inputs wherever the CPU has the same call). An invalid target or weight found by an
/// enqueued call is reported at Synchronize or the next download (once), by a reduced call at once, and is still
/// named by its index when the buffers it was read from are refilled, written by a later call or disposed before the
/// report. Disposed buffers, length mismatches, host weights in a device call, an output over the targets or weights,
/// losses and gradient in one buffer, buffers of another context, invalid γ, α and class α, a reduction that does not
/// fit the overload and element types other than the four are argument errors before anything is enqueued. After each
/// error the context keeps working: the next valid calls give the CPU's bits and leave no error behind.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClErrorTests(OpenClContextFixture fixture)
{
    private const int Length = 16384 + 100;

    public static TheoryData<string> Storages => ["float", "double", "Half", "BFloat16"];

    /// <summary>Each storage with an invalid target at the first element, in the second chunk, and at the last element.</summary>
    public static TheoryData<string, int, double> InvalidTargets()
    {
        var data = new TheoryData<string, int, double>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            data.Add(storage, 0, 1.5);
            data.Add(storage, 16390, double.NaN);
            data.Add(storage, Length - 1, -0.25);
        }

        return data;
    }

    public static TheoryData<string, double> InvalidWeights()
    {
        var data = new TheoryData<string, double>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            foreach (var weight in new[] { -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                data.Add(storage, weight);
        }

        return data;
    }

    public static TheoryData<double> InvalidGammas =>
        [-1, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, Math.BitIncrement(SigmoidFocalLoss.MaxGamma), 1e39];

    public static TheoryData<string> BufferNames => ["logits", "targets", "weights", "upstream", "losses", "gradient"];

    public static TheoryData<string> CheckedLengths => ["targets", "weights", "upstream", "losses", "gradient"];

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void An_invalid_target_in_enqueued_calls_is_reported_at_Synchronize(string storage, int index, double target)
    {
        switch (storage)
        {
            case "float": EnqueuedInvalidTarget<float>(index, target, download: false); break;
            case "double": EnqueuedInvalidTarget<double>(index, target, download: false); break;
            case "Half": EnqueuedInvalidTarget<Half>(index, target, download: false); break;
            default: EnqueuedInvalidTarget<BFloat16>(index, target, download: false); break;
        }
    }

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void An_invalid_target_in_enqueued_calls_is_reported_by_the_next_download(string storage, int index, double target)
    {
        switch (storage)
        {
            case "float": EnqueuedInvalidTarget<float>(index, target, download: true); break;
            case "double": EnqueuedInvalidTarget<double>(index, target, download: true); break;
            case "Half": EnqueuedInvalidTarget<Half>(index, target, download: true); break;
            default: EnqueuedInvalidTarget<BFloat16>(index, target, download: true); break;
        }
    }

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void An_invalid_target_is_reported_at_once_by_a_reduced_or_host_span_call(string storage, int index, double target)
    {
        switch (storage)
        {
            case "float": ImmediateInvalidTarget<float>(index, target); break;
            case "double": ImmediateInvalidTarget<double>(index, target); break;
            case "Half": ImmediateInvalidTarget<Half>(index, target); break;
            default: ImmediateInvalidTarget<BFloat16>(index, target); break;
        }
    }

    [Theory]
    [MemberData(nameof(InvalidWeights))]
    public void An_invalid_weight_in_the_weights_buffer_is_named_by_its_index(string storage, double weight)
    {
        switch (storage)
        {
            case "float": InvalidWeight<float>(weight); break;
            case "double": InvalidWeight<double>(weight); break;
            case "Half": InvalidWeight<Half>(weight); break;
            default: InvalidWeight<BFloat16>(weight); break;
        }
    }

    /// <summary>A training loop that refills its targets buffer each step: the bad step's error names its element.</summary>
    [Fact]
    public void An_invalid_target_is_named_after_its_buffer_was_refilled()
    {
        var (x, y, bad, expected) = BadTargets(index: 777, 2.5);
        var context = fixture.Context;
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<float>(bad);
        using var losses = context.Allocate<float>(Length);
        context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
        targets.Upload(y);
        context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize after the targets were refilled");
        context.Synchronize();
        AssertStillWorks();
    }

    /// <summary>A buffer of the bad call, used by a later call as its output: the error still names the element read.</summary>
    [Fact]
    public void An_invalid_target_is_named_after_a_later_call_wrote_over_its_buffer()
    {
        var (x, y, bad, expected) = BadTargets(index: 16385, -3);
        var context = fixture.Context;
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<float>(bad);
        using var otherTargets = context.Upload<float>(y);
        using var losses = context.Allocate<float>(Length);
        context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
        context.SigmoidFocalLoss.Forward(logits, otherTargets, targets, new FocalLossOptions<float> { Gamma = 0 });
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize after a later call wrote over the targets");
        AssertStillWorks();
    }

    /// <summary>Buffers disposed before the report: the bad call's own targets, or an earlier good call's.</summary>
    [Fact]
    public void An_invalid_target_is_named_after_buffers_were_disposed()
    {
        var (x, y, bad, expected) = BadTargets(index: 5, double.NaN);
        var context = fixture.Context;
        using var logits = context.Upload<float>(x);
        using var losses = context.Allocate<float>(Length);
        using (var targets = context.Upload<float>(bad))
            context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize after the bad call's targets were disposed");

        using (var good = context.Upload<float>(y))
            context.SigmoidFocalLoss.Forward(logits, good, losses, default);
        using var targetsOfTheBadCall = context.Upload<float>(bad);
        context.SigmoidFocalLoss.Forward(logits, targetsOfTheBadCall, losses, default);
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize after an earlier good call's targets were disposed");
        AssertStillWorks();
    }

    [Theory]
    [MemberData(nameof(BufferNames))]
    public void A_disposed_buffer_is_named(string name)
    {
        var context = fixture.Context;
        var buffers = BufferNames.Select(row => row.Data)
            .ToDictionary(n => n, n => context.Upload<float>([0.5f, 0, 1, 0.25f]), StringComparer.Ordinal);
        try
        {
            buffers[name].Dispose();
            Assert.True(buffers[name].IsDisposed);
            var device = context.SigmoidFocalLoss;
            var (x, y, w, up, losses, gradient) = (buffers["logits"], buffers["targets"], buffers["weights"], buffers["upstream"],
                buffers["losses"], buffers["gradient"]);
            var error = Assert.Throws<ObjectDisposedException>(() =>
            {
                if (name == "upstream")
                    device.Backward(x, y, up, gradient, default, w);
                else
                    device.ForwardBackward(x, y, losses, gradient, default, w);
            });
            Assert.Equal(name, error.ObjectName);
            Assert.Contains(name + ": the device buffer was disposed", error.Message, StringComparison.Ordinal);
            if (name is "logits" or "targets" or "weights")
            {
                error = Assert.Throws<ObjectDisposedException>(() => device.Forward(x, y, With<float>(FocalReduction.Sum), w));
                Assert.Equal(name, error.ObjectName);
            }

            Assert.Throws<ObjectDisposedException>(() => buffers[name].Upload([0f, 0, 0, 0]));
            Assert.Throws<ObjectDisposedException>(() => buffers[name].ToArray());
            buffers[name].Dispose();
        }
        finally
        {
            foreach (var buffer in buffers.Values)
                buffer.Dispose();
        }

        AssertStillWorks();
    }

    /// <summary>Device buffers and host spans of the wrong length: the CPU's error for the same spans.</summary>
    [Theory]
    [MemberData(nameof(CheckedLengths))]
    public void Every_buffer_must_have_as_many_elements_as_the_logits(string name)
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 73, 40);
        var (x, y, w, up) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>(), inputs.WeightsAs<float>(), inputs.UpstreamAs<float>());
        float[] Sized(float[] data, string which) => which == name ? data[..^1] : data;
        var (sy, sw, sup) = (Sized(y, "targets"), Sized(w, "weights"), Sized(up, "upstream"));
        var (losses, gradient) = (new float[Sized(x, "losses").Length], new float[Sized(x, "gradient").Length]);

        // The CPU's error, from the call that takes every one of these spans.
        var expected = name == "upstream"
            ? Thrown(() => SigmoidFocalLoss.Backward(x, y, sup, gradient, new FocalLossOptions<float> { Weights = sw }))
            : Thrown(() => SigmoidFocalLoss.ForwardBackward(x, sy, losses, gradient, new FocalLossOptions<float> { Weights = sw }));
        Assert.Equal(name, ((ArgumentException)expected).ParamName);

        var hostSpans = name == "upstream"
            ? Thrown(() => device.Backward(x, y, sup, gradient, new FocalLossOptions<float> { Weights = sw }))
            : Thrown(() => device.ForwardBackward(x, sy, losses, gradient, new FocalLossOptions<float> { Weights = sw }));
        AssertSameError(expected, hostSpans, $"host spans, {name} short");

        using var bx = context.Upload<float>(x);
        using var by = context.Upload<float>(sy);
        using var bw = context.Upload<float>(sw);
        using var bup = context.Upload<float>(sup);
        using var blosses = context.Allocate<float>(losses.Length);
        using var bgradient = context.Allocate<float>(gradient.Length);
        var buffers = name == "upstream"
            ? Thrown(() => device.Backward(bx, by, bup, bgradient, default, bw))
            : Thrown(() => device.ForwardBackward(bx, by, blosses, bgradient, default, bw));
        AssertSameError(expected, buffers, $"device buffers, {name} short");
        if (name is "targets" or "weights" or "gradient")
        {
            var reduced = Thrown(() => device.ForwardBackward(bx, by, bgradient, With<float>(FocalReduction.Mean), bw));
            AssertSameError(expected, reduced, $"reduced call on device buffers, {name} short");
        }

        AssertStillWorks();
    }

    [Fact]
    public void Host_weights_in_the_options_of_a_device_buffer_call_are_an_error()
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        float[] weights = [1, 1, 1, 1];
        using var x = context.Upload<float>([0.5f, -1, 2, 0]);
        using var y = context.Upload<float>([1f, 0, 0.5f, 1]);
        using var w = context.Upload<float>(weights);
        using var output = context.Allocate<float>(4);
        var errors = new[]
        {
            Thrown(() => device.Forward(x, y, output, new FocalLossOptions<float> { Weights = weights })),
            Thrown(() => device.Forward(x, y, output, new FocalLossOptions<float> { Weights = weights }, w)),
            Thrown(() => device.Forward(x, y, new FocalLossOptions<float> { Weights = weights, Reduction = FocalReduction.WeightedMean })),
            Thrown(() => device.Backward(x, y, 1f, output, new FocalLossOptions<float> { Weights = weights, Reduction = FocalReduction.Sum })),
        };
        foreach (var error in errors)
        {
            Assert.IsType<ArgumentException>(error, exactMatch: true);
            Assert.Equal("weights", ((ArgumentException)error).ParamName);
            Assert.Contains("weights buffer", error.Message, StringComparison.Ordinal);
        }

        AssertStillWorks();
    }

    [Fact]
    public void An_output_may_not_be_the_targets_or_weights_buffer()
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        float[] y = [1, 0, 0.5f, 1];
        float[] w = [1, 2, 0, 0.5f];
        using var x = context.Upload<float>([0.5f, -1, 2, 0]);
        using var targets = context.Upload<float>(y);
        using var weights = context.Upload<float>(w);
        using var upstream = context.Upload<float>([1f, 1, 1, 1]);
        using var other = context.Allocate<float>(4);
        AssertOutputRejected("losses", () => device.Forward(x, targets, targets, default));
        AssertOutputRejected("losses", () => device.Forward(x, targets, weights, default, weights));
        AssertOutputRejected("gradient", () => device.Backward(x, targets, upstream, targets, default));
        AssertOutputRejected("gradient", () => device.Backward(x, targets, upstream, weights, default, weights));
        AssertOutputRejected("gradient", () => device.Backward(x, targets, 1f, targets, With<float>(FocalReduction.Sum)));
        AssertOutputRejected("losses", () => device.ForwardBackward(x, targets, targets, other, default));
        AssertOutputRejected("gradient", () => device.ForwardBackward(x, targets, other, weights, default, weights));
        AssertOutputRejected("gradient", () => device.ForwardBackward(x, targets, targets, With<float>(FocalReduction.Sum)));
        DeviceAssert.Identical<float>(y, targets.ToArray(), "targets, never written");
        DeviceAssert.Identical<float>(w, weights.ToArray(), "weights, never written");
        AssertStillWorks();
    }

    [Fact]
    public void Losses_and_gradient_may_not_be_one_buffer()
    {
        var context = fixture.Context;
        using var x = context.Upload<float>([0.5f, -1, 2, 0]);
        using var y = context.Upload<float>([1f, 0, 0.5f, 1]);
        using var output = context.Allocate<float>(4);
        var error = Assert.Throws<ArgumentException>(() => context.SigmoidFocalLoss.ForwardBackward(x, y, output, output, default));
        Assert.Equal("gradient", error.ParamName);
        Assert.Contains("losses", error.Message, StringComparison.Ordinal);
        AssertStillWorks();
    }

    [Theory]
    [MemberData(nameof(BufferNames))]
    public void A_buffer_of_another_context_is_rejected(string name)
    {
        var context = fixture.Context;
        using var other = OpenClContext.Create(context.Device);
        var buffers = BufferNames.Select(row => row.Data)
            .ToDictionary(n => n, n => (n == name ? other : context).Upload<float>([0.5f, 0, 1, 0.25f]), StringComparer.Ordinal);
        try
        {
            Assert.Same(other, buffers[name].Context);
            var device = context.SigmoidFocalLoss;
            var (x, y, w, up, losses, gradient) = (buffers["logits"], buffers["targets"], buffers["weights"], buffers["upstream"],
                buffers["losses"], buffers["gradient"]);
            var error = Assert.Throws<ArgumentException>(() =>
            {
                if (name == "upstream")
                    device.Backward(x, y, up, gradient, default, w);
                else
                    device.ForwardBackward(x, y, losses, gradient, default, w);
            });
            Assert.Equal(name, error.ParamName);
            Assert.Contains("another OpenClContext", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var buffer in buffers.Values)
                buffer.Dispose();
        }

        other.Synchronize();
        AssertStillWorks();
    }

    [Theory]
    [MemberData(nameof(InvalidGammas))]
    public void An_invalid_gamma_is_the_CPU_error(double gamma)
    {
        InvalidGamma<float>(gamma);
        InvalidGamma<double>(gamma);
        InvalidGamma<Half>(gamma);
        InvalidGamma<BFloat16>(gamma);
        AssertStillWorks();
    }

    /// <summary>γ = MaxGamma is accepted (the generic program) and gives the CPU's bits.</summary>
    [Fact]
    public void The_largest_gamma_is_accepted()
    {
        var inputs = DeviceInputs.Create(seed: 74, 300);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        var (cpuLosses, cpuGradient, losses, gradient) = (new float[300], new float[300], new float[300], new float[300]);
        SigmoidFocalLoss.ForwardBackward(x, y, cpuLosses, cpuGradient, new FocalLossOptions<float> { Gamma = SigmoidFocalLoss.MaxGamma });
        fixture.Context.SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, new FocalLossOptions<float> { Gamma = SigmoidFocalLoss.MaxGamma });
        DeviceAssert.Identical<float>(cpuLosses, losses, "losses at the largest gamma");
        DeviceAssert.Identical<float>(cpuGradient, gradient, "gradient at the largest gamma");
    }

    [Fact]
    public void An_invalid_alpha_or_class_alpha_is_the_CPU_error()
    {
        float[] x = [0.5f, -1, 2, 0];
        float[] y = [1, 0, 0.5f, 1];
        var device = fixture.Context.SigmoidFocalLoss;
        foreach (var alpha in new[] { 1.5, double.NaN, double.PositiveInfinity })
        {
            AssertSameError(Thrown(() => SigmoidFocalLoss.Forward(x, y, new float[4], new FocalLossOptions<float> { Alpha = alpha })),
                Thrown(() => device.Forward(x, y, new float[4], new FocalLossOptions<float> { Alpha = alpha })), $"alpha = {alpha}");
        }

        double[] classAlpha = [0.25, 1.25];
        AssertSameError(
            Thrown(() => SigmoidFocalLoss.Forward(x, y, new FocalLossOptions<float> { ClassAlpha = classAlpha, Reduction = FocalReduction.Sum })),
            Thrown(() => device.Forward(x, y, new FocalLossOptions<float> { ClassAlpha = classAlpha, Reduction = FocalReduction.Sum })),
            "class alpha 1.25");
        AssertStillWorks();
    }

    [Fact]
    public void The_reduction_must_fit_the_overload()
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        float[] x = [0.5f, -1, 2, 0];
        float[] y = [1, 0, 0.5f, 1];
        using var bx = context.Upload<float>(x);
        using var by = context.Upload<float>(y);
        using var output = context.Allocate<float>(4);
        using var other = context.Allocate<float>(4);
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(3), FocalReduction.WeightedMean })
        {
            var expected = Thrown(() => SigmoidFocalLoss.Forward(x, y, new float[4], new FocalLossOptions<float> { Reduction = reduction }));
            Assert.Equal("reduction", ((ArgumentException)expected).ParamName);
            var what = $"{reduction} in a per-element overload";
            AssertSameError(expected, Thrown(() => device.Forward(x, y, new float[4], new FocalLossOptions<float> { Reduction = reduction })), what);
            AssertSameError(expected, Thrown(() => device.Forward(bx, by, output, new FocalLossOptions<float> { Reduction = reduction })), what);
            AssertSameError(expected, Thrown(() => device.Backward(bx, by, by, output, new FocalLossOptions<float> { Reduction = reduction })), what);
            AssertSameError(expected,
                Thrown(() => device.ForwardBackward(bx, by, output, other, new FocalLossOptions<float> { Reduction = reduction })), what);
        }

        var none = Thrown(() => SigmoidFocalLoss.Forward(x, y, new FocalLossOptions<float>()));
        Assert.Equal("reduction", ((ArgumentException)none).ParamName);
        AssertSameError(none, Thrown(() => device.Forward(x, y, new FocalLossOptions<float>())), "none in a reduced overload");
        AssertSameError(none, Thrown(() => device.Forward(bx, by, new FocalLossOptions<float>())), "none in a reduced overload");
        AssertSameError(none, Thrown(() => device.Backward(bx, by, 1f, output, default)), "none in a reduced overload");
        AssertSameError(none, Thrown(() => device.ForwardBackward(bx, by, output, default)), "none in a reduced overload");
        AssertStillWorks();
    }

    [Fact]
    public void The_four_element_types_are_accepted_and_others_are_not_supported()
    {
        Accepted<float>();
        Accepted<double>();
        Accepted<Half>();
        Accepted<BFloat16>();
        NotSupported<int>();
        NotSupported<long>();
        NotSupported<ushort>();
        NotSupported<byte>();
        AssertStillWorks();
    }

    private static FocalLossOptions<T> With<T>(FocalReduction reduction, T[]? weights = null, double gamma = SigmoidFocalLoss.DefaultGamma)
        where T : unmanaged
        => new() { Gamma = gamma, Weights = weights, Reduction = reduction };

    private static Exception Thrown(Action action)
    {
        Exception? thrown = null;
        try
        {
            action();
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        Assert.True(thrown is not null, "expected an exception");
        return thrown;
    }

    /// <summary>The same type, message, parameter name and (for an out-of-range argument) value.</summary>
    private static void AssertSameError(Exception expected, Exception actual, string what)
    {
        Assert.True(expected.GetType() == actual.GetType(),
            $"{what}: {actual.GetType().Name} ({actual.Message}); the CPU throws {expected.GetType().Name} ({expected.Message})");
        Assert.Equal(expected.Message, actual.Message);
        if (expected is ArgumentException argument)
            Assert.Equal(argument.ParamName, ((ArgumentException)actual).ParamName);
        if (expected is ArgumentOutOfRangeException range)
            Assert.Equal(range.ActualValue, ((ArgumentOutOfRangeException)actual).ActualValue);
    }

    private static void AssertOutputRejected(string name, Action action)
    {
        var error = Assert.Throws<ArgumentException>(action);
        Assert.Equal(name, error.ParamName);
        Assert.Contains("must not be the targets or weights buffer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Inputs with one invalid target, and the CPU's error for them.</summary>
    private static (float[] Logits, float[] Targets, float[] Bad, Exception Expected) BadTargets(int index, double target)
    {
        var inputs = DeviceInputs.Create(seed: index, Length);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        var bad = (float[])y.Clone();
        bad[index] = (float)target;
        return (x, y, bad, Thrown(() => SigmoidFocalLoss.Forward(x, bad, new float[Length])));
    }

    private static void InvalidGamma<T>(double gamma)
        where T : unmanaged
    {
        var x = Stored.From<T>([0.5, -1, 2, 0]);
        var y = Stored.From<T>([1, 0, 0.5, 1]);
        var what = string.Create(CultureInfo.InvariantCulture, $"gamma = {gamma} ({typeof(T).Name})");
        var expected = Thrown(() => SigmoidFocalLoss.Forward(x, y, new T[4], new FocalLossOptions<T> { Gamma = gamma }));
        Assert.Equal("gamma", ((ArgumentException)expected).ParamName);
        var expectedReduced = Thrown(() => SigmoidFocalLoss.Forward(x, y, With<T>(FocalReduction.Mean, gamma: gamma)));
        var device = OpenClDevices.All[0];
        using var context = OpenClContext.Create(device);
        using var bx = context.Upload<T>(x);
        using var by = context.Upload<T>(y);
        using var output = context.Allocate<T>(4);
        AssertSameError(expected, Thrown(() => context.SigmoidFocalLoss.Forward(x, y, new T[4], new FocalLossOptions<T> { Gamma = gamma })), what);
        AssertSameError(expected, Thrown(() => context.SigmoidFocalLoss.Forward(bx, by, output, new FocalLossOptions<T> { Gamma = gamma })), what);
        AssertSameError(expectedReduced,
            Thrown(() => context.SigmoidFocalLoss.Forward(bx, by, With<T>(FocalReduction.Mean, gamma: gamma))), what);
        AssertSameError(expected,
            Thrown(() => context.SigmoidFocalLoss.ForwardBackward(bx, by, output, With<T>(FocalReduction.Sum, gamma: gamma))),
            what);
        context.Synchronize();
    }

    private void EnqueuedInvalidTarget<T>(int index, double target, bool download)
        where T : unmanaged
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 71, Length);
        var (x, y, up) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.UpstreamAs<T>());
        var bad = (T[])y.Clone();
        bad[index] = Stored.From<T>(target);
        var expected = Thrown(() => SigmoidFocalLoss.Forward(x, bad, new T[Length], default));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"targets[{index}] = "), expected.Message, StringComparison.Ordinal);

        using var logits = context.Upload<T>(x);
        using var targets = context.Upload<T>(bad);
        using var upstream = context.Upload<T>(up);
        using var losses = context.Allocate<T>(Length);
        using var gradient = context.Allocate<T>(Length);
        device.Forward(logits, targets, losses, default);
        device.ForwardBackward(logits, targets, losses, gradient, new FocalLossOptions<T> { Gamma = 0.7 });
        device.Backward(logits, targets, upstream, gradient, default);
        device.Backward(logits, targets, Stored.From<T>(1.0), gradient, new FocalLossOptions<T> { Reduction = FocalReduction.Mean });
        var what = $"{(download ? "download" : "Synchronize")} after enqueued calls ({typeof(T).Name})";
        AssertSameError(expected, Thrown(download ? () => losses.Download(new T[Length]) : context.Synchronize), what);
        context.Synchronize();  // reported once

        // The buffers and the context still work: good targets give the CPU's bits.
        targets.Upload(y);
        device.Forward(logits, targets, losses, default);
        var cpu = new T[Length];
        SigmoidFocalLoss.Forward(x, y, cpu, default);
        DeviceAssert.Identical<T>(cpu, losses.ToArray(), "losses after the error");
        AssertStillWorks();
    }

    private void ImmediateInvalidTarget<T>(int index, double target)
        where T : unmanaged
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 72, Length, nonFinite: false);
        var (x, y, w) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>());
        var bad = (T[])y.Clone();
        bad[index] = Stored.From<T>(target);
        using var logits = context.Upload<T>(x);
        using var targets = context.Upload<T>(bad);
        using var weights = context.Upload<T>(w);
        using var gradient = context.Allocate<T>(Length);
        var what = $" ({typeof(T).Name})";

        AssertSameError(Thrown(() => SigmoidFocalLoss.Forward(x, bad, new FocalLossOptions<T> { Reduction = FocalReduction.Sum })),
            Thrown(() => device.Forward(logits, targets, new FocalLossOptions<T> { Reduction = FocalReduction.Sum })), "forward sum" + what);
        AssertSameError(Thrown(() => SigmoidFocalLoss.ForwardBackward(x, bad, new T[Length], With<T>(FocalReduction.Mean))),
            Thrown(() => device.ForwardBackward(logits, targets, gradient, With<T>(FocalReduction.Mean))),
            "fused mean" + what);
        AssertSameError(
            Thrown(() => SigmoidFocalLoss.Forward(x, bad, new FocalLossOptions<T> { Weights = w, Reduction = FocalReduction.WeightedMean })),
            Thrown(() => device.Forward(logits, targets, new FocalLossOptions<T> { Reduction = FocalReduction.WeightedMean }, weights)),
            "weighted mean" + what);
        context.Synchronize();

        // Host spans download their results, so even per-element calls report at once.
        AssertSameError(Thrown(() => SigmoidFocalLoss.Forward(x, bad, new T[Length], default)),
            Thrown(() => device.Forward(x, bad, new T[Length], default)), "per-element forward on host spans" + what);
        AssertSameError(Thrown(() => SigmoidFocalLoss.ForwardBackward(x, bad, new T[Length], new T[Length], default)),
            Thrown(() => device.ForwardBackward(x, bad, new T[Length], new T[Length], default)), "per-element fused call on host spans" + what);
        context.Synchronize();
        AssertStillWorks();
    }

    private void InvalidWeight<T>(double weight)
        where T : unmanaged
    {
        const int index = 16400;
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var inputs = DeviceInputs.Create(seed: 75, Length, nonFinite: false);
        var (x, y, w) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>(), inputs.WeightsAs<T>());
        w[index] = Stored.From<T>(weight);
        w[index + 1] = Stored.From<T>(-2.0);
        using var logits = context.Upload<T>(x);
        using var targets = context.Upload<T>(y);
        using var weights = context.Upload<T>(w);
        using var output = context.Allocate<T>(Length);
        var what = string.Create(CultureInfo.InvariantCulture, $" (weight {weight}, {typeof(T).Name})");

        var expected = Thrown(() => SigmoidFocalLoss.Forward(x, y, new T[Length], new FocalLossOptions<T> { Weights = w }));
        Assert.Equal("weights", ((ArgumentException)expected).ParamName);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"weights[{index}] = "), expected.Message, StringComparison.Ordinal);
        device.Forward(logits, targets, output, default, weights);
        AssertSameError(expected, Thrown(context.Synchronize), "per-element forward, at Synchronize" + what);

        AssertSameError(Thrown(() => SigmoidFocalLoss.Forward(x, y, new FocalLossOptions<T> { Weights = w, Reduction = FocalReduction.Sum })),
            Thrown(() => device.Forward(logits, targets, new FocalLossOptions<T> { Reduction = FocalReduction.Sum }, weights)), "forward sum" + what);
        AssertSameError(
            Thrown(() => SigmoidFocalLoss.ForwardBackward(x, y, new T[Length], With(FocalReduction.Mean, w))),
            Thrown(() => device.ForwardBackward(logits, targets, output, With<T>(FocalReduction.Mean), weights)),
            "fused mean" + what);

        // The weighted mean's denominator sums the weights first, so even its enqueued backward reports at once.
        var one = Stored.From<T>(1.0);
        AssertSameError(
            Thrown(() => SigmoidFocalLoss.Backward(x, y, one, new T[Length], With(FocalReduction.WeightedMean, w))),
            Thrown(() => device.Backward(logits, targets, one, output, With<T>(FocalReduction.WeightedMean), weights)),
            "backward of a weighted mean" + what);
        context.Synchronize();
        AssertStillWorks();
    }

    private void Accepted<T>()
        where T : unmanaged
    {
        var inputs = DeviceInputs.Create(seed: 76, 100, nonFinite: false);
        var (x, y) = (inputs.LogitsAs<T>(), inputs.TargetsAs<T>());
        var (cpu, gradient) = (new T[100], new T[100]);
        var mean = new FocalLossOptions<T> { Reduction = FocalReduction.Mean };
        var expected = SigmoidFocalLoss.ForwardBackward(x, y, cpu, mean);
        DeviceAssert.Identical(expected, fixture.Context.SigmoidFocalLoss.ForwardBackward(x, y, gradient, mean), $"mean ({typeof(T).Name})");
        DeviceAssert.Identical<T>(cpu, gradient, $"gradient ({typeof(T).Name})");
    }

    private void NotSupported<T>()
        where T : unmanaged
    {
        var context = fixture.Context;
        var device = context.SigmoidFocalLoss;
        var expected = Thrown(() => SigmoidFocalLoss.Forward<T>(new T[3], new T[3], new T[3]));
        Assert.IsType<NotSupportedException>(expected);
        using var a = context.Allocate<T>(3);
        using var b = context.Allocate<T>(3);
        using var c = context.Allocate<T>(3);
        using var d = context.Allocate<T>(3);
        var what = $"{typeof(T).Name} elements";
        AssertSameError(expected, Thrown(() => device.Forward<T>(new T[3], new T[3], new T[3], default)), what);
        AssertSameError(expected, Thrown(() => device.Backward<T>(new T[3], new T[3], default(T), new T[3], With<T>(FocalReduction.Mean))), what);
        AssertSameError(expected, Thrown(() => device.Forward(a, b, c, default)), what);
        AssertSameError(expected, Thrown(() => device.Forward(a, b, With<T>(FocalReduction.Sum))), what);
        AssertSameError(expected, Thrown(() => device.Backward(a, b, c, d, default)), what);
        AssertSameError(expected, Thrown(() => device.Backward(a, b, default(T), c, With<T>(FocalReduction.Sum))), what);
        AssertSameError(expected, Thrown(() => device.ForwardBackward(a, b, c, d, default)), what);
        AssertSameError(expected, Thrown(() => device.ForwardBackward(a, b, c, With<T>(FocalReduction.Sum))), what);
        Assert.Contains(typeof(T).Name, expected.Message, StringComparison.Ordinal);
    }

    /// <summary>A valid per-element call on buffers and a fused mean on host spans give the CPU's bits; nothing is left to report.</summary>
    private void AssertStillWorks()
    {
        var context = fixture.Context;
        var inputs = DeviceInputs.Create(seed: 99, 1000);
        var finite = DeviceInputs.Create(seed: 98, 1000, nonFinite: false);
        var (x, y, fx, fy) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>(), finite.LogitsAs<float>(), finite.TargetsAs<float>());
        var (cpu, actual) = (new float[1000], new float[1000]);
        SigmoidFocalLoss.Forward(x, y, cpu, default);
        using (var logits = context.Upload<float>(x))
        using (var targets = context.Upload<float>(y))
        using (var losses = context.Allocate<float>(1000))
        {
            context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
            context.Synchronize();
            DeviceAssert.Identical<float>(cpu, losses.ToArray(), "losses after an error");
        }

        var mean = new FocalLossOptions<float> { Reduction = FocalReduction.Mean };
        var expected = SigmoidFocalLoss.ForwardBackward(fx, fy, cpu, mean);
        DeviceAssert.Identical(expected, context.SigmoidFocalLoss.ForwardBackward(fx, fy, actual, mean), "fused mean after an error");
        DeviceAssert.Identical<float>(cpu, actual, "fused mean gradient after an error");
        context.Synchronize();
    }
}
