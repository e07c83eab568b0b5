using System.Runtime.InteropServices;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Weights and class α are read throughout a pass, by every thread: no output may be written over them.</summary>
public sealed class OptionOverlapTests
{
    [Fact]
    public void An_output_over_the_class_alphas_is_an_argument_error()
    {
        // Four doubles of class α, viewed as the eight floats of the losses.
        var storage = new double[] { 0.25, 0.5, 0.75, 1 };
        var exception = Assert.Throws<ArgumentException>(() => SigmoidFocalLoss.Forward(new float[8], new float[8],
            MemoryMarshal.Cast<double, float>(storage.AsSpan()), new FocalLossOptions<float> { ClassAlpha = storage }));
        Assert.Equal("losses", exception.ParamName);
        Assert.Contains("must not overlap classAlpha", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_over_the_weights_is_an_argument_error()
    {
        var weights = new float[] { 1, 2, 3, 4 };
        var exception = Assert.Throws<ArgumentException>(() =>
            SigmoidFocalLoss.ForwardBackward(new float[4], new float[4], new float[4], weights, new FocalLossOptions<float> { Weights = weights }));
        Assert.Equal("gradient", exception.ParamName);
        Assert.Contains("must not overlap weights", exception.Message, StringComparison.Ordinal);
    }
}
