using System.Globalization;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Half and BFloat16 storage compute in float: each per-sample loss and gradient element is the float call's result on
/// the widened inputs, rounded once to 16 bits; the reduced loss is within one 16-bit rounding of the float one; and
/// every SIMD path gives the same bits.
/// </summary>
public sealed class SoftmaxSixteenBitTests
{
    [Property(MaxTest = 150)]
    public Property Half_results_are_the_float_results_rounded_once()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), c => RoundedOnce(c, v => (double)(Half)v, v => (Half)v, h => (float)h, HalfBits));

    [Property(MaxTest = 150)]
    public Property BFloat16_results_are_the_float_results_rounded_once()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), c => RoundedOnce(
            c, v => (double)(float)(BFloat16)(float)v, v => (BFloat16)v, b => (float)b, b => b.RawValue));

    [Property(MaxTest = 40)]
    public Property Half_every_path_gives_identical_bits()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), c =>
        {
            var rounded = Representable(c, v => (double)(Half)v);
            using var settings = new RuntimeSettingsScope();
            ushort[]? first = null;
            foreach (var path in RuntimeSettingsScope.AvailablePaths)
            {
                FocalRuntime.ActivePath = path;
                var (losses, gradient) = Fused(rounded, v => (Half)v);
                var bits = losses.Concat(gradient).Select(HalfBits).ToArray();
                first ??= bits;
                Assert.Equal(first, bits);
            }
        });

    private static ushort HalfBits(Half value) => BitConverter.HalfToUInt16Bits(value);

    /// <summary>The case with every logit, probability and weight made representable in the 16-bit type.</summary>
    private static SoftmaxCase Representable(SoftmaxCase value, Func<double, double> round)
        => value with
        {
            Logits = [.. value.Logits.Select(round)],
            Probabilities = value.Probabilities?.Select(round).ToArray(),
            Weights = value.Weights?.Select(round).ToArray(),
        };

    internal static void RoundedOnce<T>(
        SoftmaxCase value, Func<double, double> round, Func<float, T> narrow, Func<T, float> widen, Func<T, ushort> bits)
        where T : unmanaged
    {
        var rounded = Representable(value, round);
        var (losses, gradient) = Fused(rounded, narrow);
        var (floatLosses, floatGradient) = SoftmaxRun<float>.Fused(rounded);
        for (var i = 0; i < losses.Length; i++)
            AssertRoundedOnce(losses[i], narrow(floatLosses[i]), widen, bits, $"loss[{i}]", rounded);
        for (var i = 0; i < gradient.Length; i++)
            AssertRoundedOnce(gradient[i], narrow(floatGradient[i]), widen, bits, $"gradient[{i}]", rounded);

        // The reduced loss rounds the double quotient once; the float call rounded it to float first.
        var reduced = widen(Reduced(rounded, narrow));
        var floatReduced = SoftmaxRun<float>.Reduced(rounded, FocalReduction.Mean).Loss;
        var expected = widen(narrow(floatReduced));
        var close = reduced == expected || Math.Abs(reduced - expected) <= Math.Abs(expected) / 128;
        Assert.True(float.IsNaN(expected) ? float.IsNaN(reduced) : close,
            string.Create(CultureInfo.InvariantCulture, $"mean {reduced} vs the float mean {floatReduced} rounded, {expected}, for {rounded}"));
    }

    private static void AssertRoundedOnce<T>(T actual, T expected, Func<T, float> widen, Func<T, ushort> bits, string what, SoftmaxCase value)
    {
        // NaN rows are defined as NaN, not by their payload.
        if (float.IsNaN(widen(actual)) && float.IsNaN(widen(expected)))
            return;
        Assert.True(bits(actual) == bits(expected), string.Create(CultureInfo.InvariantCulture,
            $"{what}: 0x{bits(actual):X4} vs the float result rounded once, 0x{bits(expected):X4}, for {value}"));
    }

    private static (T[] Losses, T[] Gradient) Fused<T>(SoftmaxCase value, Func<float, T> narrow)
        where T : unmanaged
    {
        var logits = value.Logits.Select(v => narrow((float)v)).ToArray();
        var losses = new T[value.Rows];
        var gradient = new T[logits.Length];
        var weights = value.Weights?.Select(v => narrow((float)v)).ToArray();
        var options = value.Options<T>(FocalReduction.None, weights);
        if (value.Indices is not null)
            SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, value.Classes, losses, gradient, options);
        else
            SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Narrow(value.Probabilities!, narrow), value.Classes, losses, gradient, options);
        return (losses, gradient);
    }

    private static T Reduced<T>(SoftmaxCase value, Func<float, T> narrow)
        where T : unmanaged
    {
        var logits = value.Logits.Select(v => narrow((float)v)).ToArray();
        var gradient = new T[logits.Length];
        var weights = value.Weights?.Select(v => narrow((float)v)).ToArray();
        var options = value.Options<T>(FocalReduction.Mean, weights);
        return value.Indices is not null
            ? SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, value.Classes, gradient, options)
            : SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Narrow(value.Probabilities!, narrow), value.Classes, gradient, options);
    }

    private static T[] Narrow<T>(double[] values, Func<float, T> narrow) => [.. values.Select(v => narrow((float)v))];
}
