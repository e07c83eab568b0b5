using System.Numerics;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Fixed inputs at the edges of the accuracy promise that random generation reaches only now and then: a small α for
/// a positive target, and a modulating factor (1 - p_t)^γ below float's normal range under a huge or infinite logit.
/// Each compares with the reference under the promised bound, like the properties do.
/// </summary>
public sealed class EdgeAccuracyTests
{
    /// <summary>α_t = α for y = 1 (and 1 - α for y = 0) must be as accurate relative to itself as any other factor.</summary>
    [Theory]
    [InlineData(0.01, 1.0)]
    [InlineData(1e-3, 1.0)]
    [InlineData(1e-4, 1.0)]
    [InlineData(1e-6, 1.0)]
    [InlineData(0.999999, 0.0)]
    [InlineData(1e-3, 0.9)]
    public void Float_small_class_weight_is_accurate(double alpha, double target)
        => Agrees<float>([0.5, -2, 3, 0.01], target, 2, alpha);

    [Theory]
    [InlineData(1e-3, 1.0)]
    [InlineData(1e-4, 1.0)]
    [InlineData(1e-6, 1.0)]
    [InlineData(0.999999, 0.0)]
    [InlineData(1e-4, 0.9)]
    public void Double_small_class_weight_is_accurate(double alpha, double target)
        => Agrees<double>([0.5, -2, 3, 0.01], target, 2, alpha);

    /// <summary>
    /// Large logits with a target near their wrong side: (1 - p_t)^γ is small while BCE is large. Up to |x| = 1e7
    /// every loss above 1e-30 has q^γ within float's normal range, so the bound holds.
    /// </summary>
    [Theory]
    [InlineData(-1e7, 1e-5, 3.0)]      // m = 1e-15, BCE ≈ 100
    [InlineData(-1e7, 1e-7, 2.5)]      // m ≈ 3e-18, BCE ≈ 1
    [InlineData(1e7, 0.999, 8.0)]      // m = 1e-24, BCE ≈ 1e4
    public void Large_logits_with_small_modulating_factors_are_accurate(double x, double target, double gamma)
        => Agrees<float>([x], target, gamma, 0.25);

    /// <summary>
    /// Beyond |x| ≈ 1e8, q^γ can fall below float's normal range while BCE ~ |x| keeps the loss above 1e-30: the
    /// documented limit of the float kernels. The loss stays finite and non-negative, and loses only the precision of a
    /// subnormal m (relative error up to ~1e-3 here), never more than its size.
    /// </summary>
    [Theory]
    [InlineData(-1e30, 1e-7, 6.0)]     // m = 1e-42: subnormal in float
    [InlineData(1e30, 0.99, 25.0)]     // m = 1e-50: zero in float, loss ≈ 2.6e-23
    public void Beyond_the_documented_range_the_loss_degrades_towards_zero(double x, double target, double gamma)
    {
        var losses = new float[1];
        SigmoidFocalLoss.Forward([(float)x], [(float)target], losses, new() { Gamma = gamma, Alpha = 0.25 });
        var reference = Reference.FocalReference.Loss((float)x, (float)target, gamma, 0.25);
        Assert.True(float.IsFinite(losses[0]) && losses[0] >= 0 && losses[0] <= 2 * reference,
            $"loss {losses[0]:R} vs reference {reference:R}");
    }

    /// <summary>The limit at x = +∞ with y &lt; 1 and α_t &gt; 0 is +∞ for every finite γ, however small (1 - y)^γ is.</summary>
    [Theory]
    [InlineData(0.99, 25.0)]     // (1 - y)^γ = 1e-50: zero in float
    [InlineData(0.5, 200.0)]     // 2^-200
    [InlineData(0.5, 20.0)]      // 2^-20: representable
    public void Float_infinite_logit_has_infinite_loss_for_any_gamma(double target, double gamma)
    {
        var losses = new float[1];
        SigmoidFocalLoss.Forward([float.PositiveInfinity], [(float)target], losses, new() { Gamma = gamma, Alpha = 0.25 });
        Assert.True(float.IsPositiveInfinity(losses[0]), $"float loss at x = +inf, y = {target}, gamma = {gamma}: {losses[0]:R}");
    }

    [Theory]
    [InlineData(0.5, 200.0)]
    [InlineData(0.5, 2000.0)]    // 2^-2000: zero in double
    public void Double_infinite_logit_has_infinite_loss_for_any_gamma(double target, double gamma)
    {
        var losses = new double[1];
        SigmoidFocalLoss.Forward([double.PositiveInfinity], [target], losses, new() { Gamma = gamma, Alpha = 0.25 });
        Assert.True(double.IsPositiveInfinity(losses[0]), $"double loss at x = +inf, y = {target}, gamma = {gamma}: {losses[0]:R}");
    }

    /// <summary>
    /// A normalizer below 1/float.MaxValue is valid (finite, &gt; 0). The gradient of the normalized sum, g / normalizer,
    /// is finite here (|g| ≈ 0.074, normalizer 1e-39: ≈ 7.5e37 &lt; 3.4e38) and must come back finite and accurate.
    /// </summary>
    [Fact]
    public void Float_gradient_of_a_sum_over_a_tiny_normalizer_stays_finite()
    {
        const double normalizer = 1e-39;
        float[] x = [0, 0, 0];
        float[] y = [1, 1, 1];
        var gradient = new float[3];
        var options = new FocalLossOptions<float> { Gamma = 2, Alpha = 0.25, Reduction = FocalReduction.Normalized(normalizer) };
        var loss = SigmoidFocalLoss.ForwardBackward(x, y, gradient, options);
        ReferenceCheck.Reduced(loss, 3 * Reference.FocalReference.Loss(0, 1, 2, 0.25) / normalizer, Tolerances.FloatSumRelative, 0, "loss");
        ReferenceCheck.Gradients<float>(gradient, x, y, [], 1 / normalizer, 2, 0.25, Tolerances.FloatRelative, "fused gradient");
        SigmoidFocalLoss.Backward(x, y, 1f, gradient, options);
        ReferenceCheck.Gradients<float>(gradient, x, y, [], 1 / normalizer, 2, 0.25, Tolerances.FloatRelative, "gradient");
    }

    private static void Agrees<T>(double[] logits, double target, double gamma, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = Array.ConvertAll(logits, T.CreateTruncating);
        var y = Array.ConvertAll(logits, _ => T.CreateTruncating(target));
        var losses = new T[x.Length];
        var gradient = new T[x.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, new() { Gamma = gamma, Alpha = alpha });
        ReferenceCheck.Losses<T>(losses, x, y, gamma, alpha, Tolerances.Relative<T>(), $"{typeof(T).Name} loss");
        ReferenceCheck.Gradients<T>(gradient, x, y, [], 1, gamma, alpha, Tolerances.Relative<T>(), $"{typeof(T).Name} gradient");
    }
}
