using System.Globalization;
using FocalAot.OpenCl;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// The OpenCL softmax path's errors are the CPU path's: the same exception type, parameter name and message for every
/// argument rule (checked before anything is written), and for an invalid class index, probability or weight found by
/// an enqueued call on device buffers, reported at the next wait and naming the row (after which the context keeps
/// working); a mean's denominator reads the targets back and reports an invalid one at the call, before writing. Device
/// calls refuse host weights and outputs over the inputs; empty calls give the CPU's results; a context without fp64
/// refuses the softmax programs.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClSoftmaxErrorTests(OpenClContextFixture fixture)
{
    private const int Classes = 5;
    private const int Rows = 40;

    private static readonly Dictionary<string, Func<Call, Call>> BrokenRules = new()
    {
        ["classes 0"] = call => call with { Shape = new SoftmaxShape(0) },
        ["spatial 0"] = call => call with { Shape = new SoftmaxShape(Classes, 0) },
        ["logits not [N, C]"] = call => call with { Logits = call.Logits[..^1] },
        ["logits not [N, C, S]"] = call => call with { Shape = new SoftmaxShape(Classes, 3) },
        ["targets length"] = call => call with { Indices = call.Indices[..^1] },
        ["gamma negative"] = call => call with { Options = () => call.Options() with { Gamma = -1 } },
        ["gamma with FLSD-53"] = call => call with { Options = () => call.Options() with { Gamma = 2, SampleDependentGamma = true } },
        ["alpha above 1"] = call => call with { Options = () => call.Options() with { Alpha = 1.5 } },
        ["label smoothing above 1"] = call => call with { Options = () => call.Options() with { LabelSmoothing = 2 } },
        ["Poly-1 below -1"] = call => call with { Options = () => call.Options() with { PolyEpsilon = -2 } },
        ["class alpha length"] = call => call with { Options = () => call.Options() with { ClassAlpha = new double[Classes + 1] } },
        ["class alpha negative"] = call => call with { Options = () => call.Options() with { ClassAlpha = [0.5, 1, -0.25, 0, 1] } },
        ["weights length"] = call => call with { Options = () => call.Options() with { Weights = new float[Rows - 1] } },
        ["weight negative"] = call => call with { Options = () => call.Options() with { Weights = WithValueAt(new float[Rows], 7, -1f) } },
        ["weight NaN"] = call => call with { Options = () => call.Options() with { Weights = WithValueAt(new float[Rows], 39, float.NaN) } },
        ["reduction on a per-sample overload"] = call => call with { Options = () => call.Options() with { Reduction = FocalReduction.Sum } },
        ["class index out of range"] = call => call with { Indices = WithValueAt(call.Indices, 17, Classes) },
        ["class index negative"] = call => call with { Indices = WithValueAt(call.Indices, 0, -3) },
        ["losses length"] = call => call with { LossesLength = Rows + 1 },
        ["gradient length"] = call => call with { GradientLength = (Rows * Classes) - 1 },
    };

    public static TheoryData<string> BrokenRuleNames => new(BrokenRules.Keys);

    public static TheoryData<string, string, int> InvalidTargets()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var storage in new[] { "float", "double", "Half", "BFloat16" })
        {
            foreach (var kind in new[] { "int", "long", "soft" })
            {
                foreach (var row in new[] { 0, 777, 4999 })
                    data.Add(storage, kind, row);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenRuleNames))]
    public void A_broken_rule_gives_the_CPUs_error_before_anything_is_written(string rule)
    {
        var call = BrokenRules[rule](Call.Valid());
        var expected = Thrown(() => call.Run(null));
        Assert.NotNull(expected);
        var losses = Enumerable.Repeat(42f, call.LossesLength).ToArray();
        var gradient = Enumerable.Repeat(42f, call.GradientLength).ToArray();
        var actual = Thrown(() => call.Run(fixture.Context.SoftmaxFocalLoss, losses, gradient));
        AssertSameError(expected, actual, rule);
        Assert.All(losses, value => Assert.Equal(42f, value));
        Assert.All(gradient, value => Assert.Equal(42f, value));
        AssertStillWorks();
    }

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void An_invalid_target_found_on_the_device_is_the_CPUs_error_naming_the_row(string storage, string kind, int row)
    {
        switch (storage)
        {
            case "float": EnqueuedInvalidTarget<float>(kind, row); break;
            case "double": EnqueuedInvalidTarget<double>(kind, row); break;
            case "Half": EnqueuedInvalidTarget<Half>(kind, row); break;
            default: EnqueuedInvalidTarget<BFloat16>(kind, row); break;
        }
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void An_invalid_weight_in_the_weights_buffer_is_named_by_its_row(double weight)
    {
        var (x, y, w) = Valid(rows: 3000);
        w[2345] = (float)weight;
        var expected = Thrown(
            () => SoftmaxFocalLoss.Forward<float, int>(x, y, Classes, new float[3000], new FocalLossOptions<float> { Weights = w }));
        var context = fixture.Context;
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<int>(y);
        using var weights = context.Upload<float>(w);
        using var losses = context.Allocate<float>(3000);
        context.SoftmaxFocalLoss.Forward(logits, targets, Classes, losses, default, weights);
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize");
        AssertStillWorks();
    }

    [Fact]
    public void A_mean_reports_an_invalid_target_at_the_call_before_writing_the_gradient()
    {
        var (x, y, _) = Valid(rows: 3000);
        y[1234] = 99;
        static FocalLossOptions<float> Options() => new() { Reduction = FocalReduction.Mean };
        var expected = Thrown(() => SoftmaxFocalLoss.Backward<float, int>(x, y, Classes, 1f, new float[x.Length], Options()));
        var context = fixture.Context;
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<int>(y);
        using var gradient = context.Upload<float>(Enumerable.Repeat(42f, x.Length).ToArray());
        AssertSameError(expected, Thrown(() => context.SoftmaxFocalLoss.Backward(logits, targets, Classes, 1f, gradient, Options())), "Backward");
        Assert.All(gradient.ToArray(), value => Assert.Equal(42f, value));
        AssertStillWorks();
    }

    [Fact]
    public void Device_calls_refuse_host_weights_and_outputs_over_their_inputs()
    {
        var (x, y, w) = Valid(rows: Rows);
        var context = fixture.Context;
        var device = context.SoftmaxFocalLoss;
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<int>(y);
        using var probabilities = context.Upload<float>(new float[x.Length]);
        using var weights = context.Upload<float>(w);
        using var losses = context.Allocate<float>(Rows);
        using var single = context.Upload<float>(new float[Rows]);

        AssertArgumentError("weights", "options.Weights holds host memory",
            Thrown(() => device.Forward(logits, targets, Classes, losses, new FocalLossOptions<float> { Weights = w })));
        AssertArgumentError("losses", "losses must not overlap weights.",
            Thrown(() => device.Forward(logits, targets, Classes, weights, default, weights)));
        AssertArgumentError("gradient", "gradient must not overlap targets.",
            Thrown(() => device.ForwardBackward(logits, probabilities, Classes, losses, probabilities, default)));
        AssertArgumentError("gradient", "gradient must not overlap losses.",
            Thrown(() => device.ForwardBackward(single, targets, 1, losses, losses, default)));
        AssertArgumentError("gradient", "gradient must not overlap upstream.",
            Thrown(() => device.Backward(single, targets, 1, single, single, default)));
        AssertStillWorks();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Empty_calls_give_the_CPUs_results(int spatial)
    {
        var shape = new SoftmaxShape(Classes, spatial);
        var device = fixture.Context.SoftmaxFocalLoss;
        device.ForwardBackward<float, int>([], [], shape, [], [], default);
        device.Backward<float, long>([], [], shape, [], [], default);
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.WeightedMean, FocalReduction.Normalized(2) })
        {
            var options = new FocalLossOptions<float> { Reduction = reduction };
            DeviceAssert.Identical(SoftmaxFocalLoss.Forward<float, int>([], [], shape, options), device.Forward<float, int>([], [], shape, options),
                $"{reduction} of no rows");
            DeviceAssert.Identical(SoftmaxFocalLoss.ForwardBackward<float, float>([], [], shape, [], options),
                device.ForwardBackward<float, float>([], [], shape, [], options), $"fused {reduction} of no rows");
        }

        fixture.Context.Synchronize();
    }

    [Fact]
    public void A_context_without_fp64_refuses_the_softmax_programs()
    {
        _ = fixture.Context;
        using var context = OpenClContext.Create(OpenClDevices.All[0], useFp64: false);
        var (x, y, _) = Valid(rows: Rows);
        var losses = Enumerable.Repeat(42f, Rows).ToArray();
        var error = Assert.Throws<NotSupportedException>(() => context.SoftmaxFocalLoss.Forward<float, int>(x, y, Classes, losses, default));
        Assert.Contains("fp64", error.Message, StringComparison.Ordinal);
        Assert.All(losses, value => Assert.Equal(42f, value));
    }

    private void EnqueuedInvalidTarget<T>(string kind, int row)
        where T : unmanaged
    {
        const int rows = 5000;
        var (x, indices, _) = Valid(rows);
        var logits = Stored.From<T>(Array.ConvertAll(x, v => (double)v));
        var context = fixture.Context;
        using var logitsBuffer = context.Upload<T>(logits);
        using var losses = context.Allocate<T>(rows);
        using var gradient = context.Allocate<T>(x.Length);
        Exception? expected;
        if (kind == "soft")
        {
            var probabilities = new double[x.Length];
            probabilities[(row * Classes) + 2] = 1.5;
            var y = Stored.From<T>(probabilities);
            expected = Thrown(() => SoftmaxFocalLoss.Forward<T, T>(logits, y, Classes, new T[rows], default));
            using var targets = context.Upload<T>(y);
            context.SoftmaxFocalLoss.ForwardBackward(logitsBuffer, targets, Classes, losses, gradient, default);
        }
        else
        {
            var y = Array.ConvertAll(indices, v => (long)v);
            y[row] = kind == "int" ? -2 : Classes;
            expected = Thrown(() => SoftmaxFocalLoss.Forward<T, long>(logits, y, Classes, new T[rows], default));
            if (kind == "int")
            {
                using var targets = context.Upload<int>(Array.ConvertAll(y, v => (int)v));
                context.SoftmaxFocalLoss.ForwardBackward(logitsBuffer, targets, Classes, losses, gradient, default);
            }
            else
            {
                using var targets = context.Upload<long>(y);
                context.SoftmaxFocalLoss.ForwardBackward(logitsBuffer, targets, Classes, losses, gradient, default);
            }
        }

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"[{(kind == "soft" ? (row * Classes) + 2 : row)}]"), expected!.Message,
            StringComparison.Ordinal);
        AssertSameError(expected, Thrown(context.Synchronize), "Synchronize");
        AssertStillWorks();
    }

    /// <summary>A valid call on the device gives the CPU's losses and leaves no error behind.</summary>
    private void AssertStillWorks()
    {
        var (x, y, _) = Valid(Rows);
        var (expected, actual) = (new float[Rows], new float[Rows]);
        SoftmaxFocalLoss.Forward<float, int>(x, y, Classes, expected, new FocalLossOptions<float> { Gamma = 2 });
        fixture.Context.SoftmaxFocalLoss.Forward<float, int>(x, y, Classes, actual, new FocalLossOptions<float> { Gamma = 2 });
        DeviceAssert.Identical<float>(expected, actual, "losses after the error");
        fixture.Context.Synchronize();
    }

    private static (float[] Logits, int[] Indices, float[] Weights) Valid(int rows)
    {
        var random = new Random(rows);
        var logits = Enumerable.Range(0, rows * Classes).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        var indices = Enumerable.Range(0, rows).Select(_ => random.Next(Classes)).ToArray();
        var weights = Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble()).ToArray();
        return (logits, indices, weights);
    }

    private static TValue[] WithValueAt<TValue>(TValue[] values, int index, TValue value)
    {
        var copy = (TValue[])values.Clone();
        copy[index] = value;
        return copy;
    }

    private static Exception? Thrown(Action action)
    {
        try
        {
            action();
            return null;
        }
#pragma warning disable CA1031 // The test compares whatever was thrown.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception;
        }
    }

    private static void AssertSameError(Exception? expected, Exception? actual, string what)
    {
        Assert.NotNull(expected);
        Assert.True(actual is not null, $"{what}: expected {expected.GetType().Name} ({expected.Message}), nothing was thrown");
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal((expected as ArgumentException)?.ParamName, (actual as ArgumentException)?.ParamName);
    }

    private static void AssertArgumentError(string parameter, string message, Exception? actual)
    {
        var error = Assert.IsAssignableFrom<ArgumentException>(actual);
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A fused per-sample call in float with int targets, to break one rule at a time.</summary>
    private sealed record Call(
        float[] Logits, int[] Indices, SoftmaxShape Shape, Func<FocalLossOptions<float>> Options, int LossesLength, int GradientLength)
    {
        public static Call Valid()
        {
            var (x, y, _) = OpenClSoftmaxErrorTests.Valid(Rows);
            return new Call(x, y, Classes, () => new FocalLossOptions<float> { Gamma = 2 }, Rows, Rows * Classes);
        }

        /// <summary>Runs on the CPU (<paramref name="device"/> null) or the device, into the given outputs or new ones.</summary>
        public void Run(OpenClSoftmaxFocalLoss? device, float[]? losses = null, float[]? gradient = null)
        {
            losses ??= new float[LossesLength];
            gradient ??= new float[GradientLength];
            if (device is null)
                SoftmaxFocalLoss.ForwardBackward<float, int>(Logits, Indices, Shape, losses, gradient, Options());
            else
                device.ForwardBackward<float, int>(Logits, Indices, Shape, losses, gradient, Options());
        }
    }
}
