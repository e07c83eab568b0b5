using Xunit;

namespace FocalAot.Properties.Conformance;

/// <summary>
/// Values worked by hand from FL = -α_t (1 - p_t)^γ log p_t at logits where σ is exact (0 → 1/2, ±ln 3 → 3/4, 1/4),
/// and the derivative dFL/dx by the product rule with dσ/dx = σ(1 - σ).
/// </summary>
public sealed class HandComputedExamples
{
    private static readonly double Ln2 = Math.Log(2);
    private static readonly double Ln3 = Math.Log(3);
    private static readonly double Ln4Over3 = Math.Log(4.0 / 3.0);

    /// <summary>Loss and gradient pairs: (x, y, γ, α, loss, gradient).</summary>
    public static TheoryData<double, double, double, double, double, double> Cases => new()
    {
        // x = 0, y = 1, γ = 2, α = 0.25: 0.25 · 0.5² · ln 2; gradient 0.25 · [-2 · 0.5 · 0.25 · ln 2 - 0.25 · 0.5].
        { 0, 1, 2, 0.25, 0.25 * 0.25 * Ln2, -(Ln2 + 0.5) / 16 },
        // Plain BCE at x = 0: ln 2 either way; gradient σ(0) - y.
        { 0, 0, 0, -1, Ln2, 0.5 },
        { 0, 1, 0, -1, Ln2, -0.5 },
        // σ = 3/4, y = 1, γ = 2, α = 0.25: α (1/4)² ln(4/3); gradient α (1-σ)² [-2σ ln(4/3) - (1-σ)].
        { Ln3, 1, 2, 0.25, 0.25 * 0.0625 * Ln4Over3, 0.25 * 0.0625 * ((-1.5 * Ln4Over3) - 0.25) },
        // σ = 1/4, y = 0, γ = 1, α = 0.5: 0.5 · (1/4) · ln(4/3); gradient 0.5 [σ(1-σ) ln(4/3) + σ · σ].
        { -Ln3, 0, 1, 0.5, 0.5 * 0.25 * Ln4Over3, 0.5 * ((0.1875 * Ln4Over3) + 0.0625) },
        // Soft y = 1/2 at x = 0: 1 - p_t = 1/2, BCE = ln 2; the gradient's parts cancel exactly.
        { 0, 0.5, 2, -1, 0.25 * Ln2, 0 },
        // γ = 1, y = 1, σ = 3/4, α off: (1/4) ln(4/3); gradient -σ(1-σ) ln(4/3) - (1-σ)(1-σ).
        { Ln3, 1, 1, -1, 0.25 * Ln4Over3, (-0.1875 * Ln4Over3) - 0.0625 },
    };

    /// <summary>Double: the promised 1e-13 relative (the inputs are exact up to one rounding of ln 3).</summary>
    private const double DoubleTolerance = 1e-13;

    /// <summary>Float: the promised 2e-6, plus the rounding of x to float (|x δ| ≤ 6e-8 moves these values by less).</summary>
    private const double FloatTolerance = 2.5e-6;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_matches_the_hand_computed_value(double x, double y, double gamma, double alpha, double loss, double gradient)
    {
        var losses = new double[1];
        var slope = new double[1];
        SigmoidFocalLoss.ForwardBackward([x], [y], losses, slope, new() { Gamma = gamma, Alpha = alpha });
        Assert.True(Math.Abs(losses[0] - loss) <= DoubleTolerance * loss, $"loss {losses[0]:R}, hand {loss:R}");
        Assert.True(Math.Abs(slope[0] - gradient) <= (DoubleTolerance * Math.Abs(gradient)) + 1e-17, $"gradient {slope[0]:R}, hand {gradient:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_matches_the_hand_computed_value(double x, double y, double gamma, double alpha, double loss, double gradient)
    {
        var losses = new float[1];
        var slope = new float[1];
        SigmoidFocalLoss.ForwardBackward([(float)x], [(float)y], losses, slope, new() { Gamma = gamma, Alpha = alpha });
        Assert.True(Math.Abs(losses[0] - loss) <= FloatTolerance * loss, $"loss {losses[0]:R}, hand {loss:R}");
        Assert.True(Math.Abs(slope[0] - gradient) <= (FloatTolerance * Math.Abs(gradient)) + 1e-8, $"gradient {slope[0]:R}, hand {gradient:R}");
    }
}
