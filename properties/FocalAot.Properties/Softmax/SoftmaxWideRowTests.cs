using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>Rows of 20,000 classes (the scratch of a row beyond the stack's): accurate, and the same bits on every path.</summary>
public sealed class SoftmaxWideRowTests
{
    private const int Classes = 20_000;

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(2.0, false)]
    [InlineData(0.5, true)]
    public void Wide_rows_match_the_reference_and_every_path(double gamma, bool soft)
    {
        var random = new Random(1203);
        var logits = new double[3 * Classes];
        for (var i = 0; i < logits.Length; i++)
            logits[i] = (float)((random.NextDouble() - 0.5) * 16);
        logits[Classes + 17] = 60; // a confident row
        double[]? probabilities = null;
        if (soft)
        {
            probabilities = new double[logits.Length];
            for (var i = 0; i < probabilities.Length; i += 97)
                probabilities[i] = (float)random.NextDouble();
        }

        var value = new SoftmaxCase(Classes, logits, soft ? null : [5, 17, Classes - 1], probabilities, gamma, 0.25, null, null,
            soft ? 0 : 0.1, -100);
        SoftmaxAccuracyTests.Check<float>(value, SoftmaxAccuracyTests.FloatRelative);
        SoftmaxAccuracyTests.Check<double>(value, SoftmaxAccuracyTests.DoubleRelative);

        using var settings = new RuntimeSettingsScope();
        (float[] Losses, float[] Gradient)? first = null;
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            var outputs = SoftmaxRun<float>.Fused(value);
            first ??= outputs;
            Assert.Equal(first.Value.Losses, outputs.Losses);
            Assert.Equal(first.Value.Gradient, outputs.Gradient);
        }
    }
}
