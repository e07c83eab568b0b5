using Xunit;

namespace FocalAot.Properties.Conformance;

/// <summary>
/// The published examples of Keras' <c>BinaryFocalCrossentropy(from_logits=True)</c>. Keras' focal factor is
/// (1 - p_t)^γ and <c>apply_class_balancing=True</c> multiplies by α_t with α = 0.25, the same loss as here; its
/// per-sample loss is the mean over the last axis, and its default reduction averages those. The documentation prints
/// values rounded from float32, so each assertion allows one unit of the last printed digit.
/// </summary>
public sealed class KerasExamples
{
    private static readonly float[] Targets = [0, 1, 0, 0];
    private static readonly float[] Logits = [-18.6f, 0.51f, 2.94f, -12.8f];
    private const double NoBalancing = -1;
    private const double Balancing = 0.25;

    [Theory]
    [InlineData(2.0, NoBalancing, 0.691, 0.001)]
    [InlineData(2.0, Balancing, 0.51, 0.01)]
    [InlineData(3.0, NoBalancing, 0.647, 0.001)]    // the 2×2 example [[0, 1], [0, 0]]: mean of row means = mean of all
    [InlineData(3.0, Balancing, 0.482, 0.001)]
    public void Mean_over_all_elements(double gamma, double alpha, double published, double printedUnit)
    {
        Assert.InRange(SigmoidFocalLoss.Forward(Logits, Targets, Options<float>(gamma, alpha, FocalReduction.Mean)),
            published - printedUnit, published + printedUnit);
        Assert.InRange(SigmoidFocalLoss.Forward(Doubles(Logits), Doubles(Targets), Options<double>(gamma, alpha, FocalReduction.Mean)),
            published - printedUnit, published + printedUnit);
    }

    /// <summary>Reduction "sum" of the two rows' means = the sum of all four losses over 2.</summary>
    [Theory]
    [InlineData(4.0, NoBalancing, 1.222)]
    [InlineData(4.0, Balancing, 0.914)]
    public void Sum_of_row_means(double gamma, double alpha, double published)
        => Assert.InRange(SigmoidFocalLoss.Forward(Logits, Targets, Options<float>(gamma, alpha, FocalReduction.Normalized(2))),
            published - 0.001, published + 0.001);

    /// <summary>Reduction None: one mean per row.</summary>
    [Theory]
    [InlineData(5.0, NoBalancing, 0.0017, 1.1561)]
    [InlineData(5.0, Balancing, 0.0004, 0.8670)]
    public void Row_means(double gamma, double alpha, double firstRow, double secondRow)
    {
        Assert.InRange(SigmoidFocalLoss.Forward(Logits.AsSpan(0, 2), Targets.AsSpan(0, 2), Options<float>(gamma, alpha, FocalReduction.Mean)),
            firstRow - 0.0001, firstRow + 0.0001);
        Assert.InRange(SigmoidFocalLoss.Forward(Logits.AsSpan(2, 2), Targets.AsSpan(2, 2), Options<float>(gamma, alpha, FocalReduction.Mean)),
            secondRow - 0.0001, secondRow + 0.0001);
    }

    /// <summary>sample_weight = [0.8, 0.2] on the rows, then the mean over the batch of 2.</summary>
    [Theory]
    [InlineData(3.0, NoBalancing, 0.133)]
    [InlineData(3.0, Balancing, 0.097)]
    public void Sample_weighted_row_means(double gamma, double alpha, double published)
    {
        var losses = new float[4];
        SigmoidFocalLoss.Forward(Logits, Targets, losses, new() { Gamma = gamma, Alpha = alpha });
        var weighted = ((0.8 * (losses[0] + losses[1]) / 2) + (0.2 * (losses[2] + losses[3]) / 2)) / 2;
        Assert.InRange(weighted, published - 0.001, published + 0.001);
    }

    private static FocalLossOptions<T> Options<T>(double gamma, double alpha, FocalReduction reduction)
        where T : unmanaged
        => new() { Gamma = gamma, Alpha = alpha, Reduction = reduction };

    private static double[] Doubles(float[] values) => Array.ConvertAll(values, v => (double)v);
}
