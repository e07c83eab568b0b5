using System.Globalization;
using FocalAot.Drivers;
using FocalAot.Kernels;

namespace FocalAot;

/// <summary>
/// Sigmoid focal loss (Lin et al., 2017) for binary and multi-label classification:
/// FL = -α_t (1 - p_t)^γ log(p_t), with p = σ(logit), p_t = p y + (1 - p)(1 - y) and α_t = α y + (1 - α)(1 - y).
/// </summary>
/// <remarks>
/// <para>
/// Arguments follow torchvision's <c>sigmoid_focal_loss</c>: <c>gamma</c> is a finite real in [0, 10⁶] (0 gives binary
/// cross-entropy), <c>alpha</c> is in [0, 1] or negative to switch the α weighting off, and targets are
/// probabilities in [0, 1] (soft labels allowed). Loss and gradient are computed in closed forms that stay finite
/// for every finite logit and every γ ≥ 0, including γ &lt; 1 and saturated logits. A NaN logit gives NaN; a logit
/// of ±∞ gives the limits (the loss is +∞ where the infinite side carries weight, else 0).
/// </para>
/// <para>
/// Results are identical bit for bit on every <see cref="SimdPath"/> and for every
/// <see cref="FocalRuntime.MaxDegreeOfParallelism"/>. Outputs may be the same memory as an input (in place);
/// a partial overlap is an error. When a target is invalid the exception is thrown after the pass, and the
/// contents of the output spans are then unspecified.
/// </para>
/// </remarks>
public static class SigmoidFocalLoss
{
    /// <summary>
    /// Which kernel a call with this γ and precision runs: a specialization built in for γ in
    /// {0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5}, or the generic one (exp(γ·log q) in double precision).
    /// </summary>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="precision">The element type of the call.</param>
    /// <returns>For example "specialized γ = 2: multiplications" or "generic γ = 0.7: exp(γ·log q) in double precision".</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or not finite.</exception>
    public static string DescribeKernel(double gamma, Precision precision = Precision.Single)
    {
        new RuntimeGammaRunner<float>(gamma).Validate();
        var visitor = new KernelDescription();
        return BuiltInKernels.TryDispatch(gamma, precision, ref visitor)
            ? visitor.Text
            : string.Create(CultureInfo.InvariantCulture, $"generic γ = {gamma}: exp(γ·log q) in double precision");
    }

    /// <summary>The largest γ accepted (a larger one is an argument error). Far beyond any use of focal loss; it keeps
    /// every intermediate of the gradient in range.</summary>
    public const double MaxGamma = Numerics.GammaRange.Max;

    /// <summary>torchvision's default γ.</summary>
    public const double DefaultGamma = 2.0;

    /// <summary>torchvision's default α.</summary>
    public const double DefaultAlpha = 0.25;

    /// <summary>Per-element losses (reduction "none").</summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="losses">Receives one loss per element; as many as <paramref name="logits"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <exception cref="ArgumentException">A length differs, an output partially overlaps an input, a target is outside
    /// [0, 1] or NaN, <paramref name="gamma"/> is negative or not finite, or <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static void Forward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.Forward(new RuntimeGammaRunner<float>(gamma), logits, targets, losses, alpha);

    /// <inheritdoc cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, double, double)"/>
    public static void Forward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.Forward(new RuntimeGammaRunner<double>(gamma), logits, targets, losses, alpha);

    /// <summary>The reduced loss: sum, mean, or sum over a normalizer.</summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="reduction"><see cref="FocalReduction.Sum"/>, <see cref="FocalReduction.Mean"/> or
    /// <see cref="FocalReduction.Normalized(double)"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <returns>The reduced loss, summed in double in a fixed order. For no elements: 0, or NaN for the mean.</returns>
    /// <exception cref="ArgumentException">A length differs, a target is outside [0, 1] or NaN, the reduction is
    /// <c>default</c>, <paramref name="gamma"/> is negative or not finite, or <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static float Forward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.Forward(new RuntimeGammaRunner<float>(gamma), logits, targets, reduction, alpha);

    /// <inheritdoc cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, FocalReduction, double, double)"/>
    public static double Forward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.Forward(new RuntimeGammaRunner<double>(gamma), logits, targets, reduction, alpha);

    /// <summary>The gradient of per-element losses with respect to the logits, times a per-element upstream gradient.</summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="upstream">dL/dloss_i for each element, as many as <paramref name="logits"/>.</param>
    /// <param name="gradient">Receives dL/dx_i = upstream_i · dloss_i/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <exception cref="ArgumentException">A length differs, an output partially overlaps an input, a target is outside
    /// [0, 1] or NaN, <paramref name="gamma"/> is negative or not finite, or <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static void Backward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> upstream, Span<float> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.Backward(new RuntimeGammaRunner<float>(gamma), logits, targets, upstream, gradient, alpha);

    /// <inheritdoc cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, double, double)"/>
    public static void Backward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, ReadOnlySpan<double> upstream, Span<double> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.Backward(new RuntimeGammaRunner<double>(gamma), logits, targets, upstream, gradient, alpha);

    /// <summary>The gradient of a reduced loss with respect to the logits, times a scalar upstream gradient.</summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="reduction">The reduction whose gradient to take (the mean divides by the element count).</param>
    /// <param name="upstream">dL/d(reduced loss); 1 for the plain gradient.</param>
    /// <param name="gradient">Receives dL/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <exception cref="ArgumentException">A length differs, an output partially overlaps an input, a target is outside
    /// [0, 1] or NaN, the reduction is <c>default</c>, <paramref name="gamma"/> is negative or not finite, or
    /// <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static void Backward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, float upstream, Span<float> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.Backward(new RuntimeGammaRunner<float>(gamma), logits, targets, reduction, upstream, gradient, alpha);

    /// <inheritdoc cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, FocalReduction, float, Span{float}, double, double)"/>
    public static void Backward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, double upstream, Span<double> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.Backward(new RuntimeGammaRunner<double>(gamma), logits, targets, reduction, upstream, gradient, alpha);

    /// <summary>
    /// Per-element losses and their gradients with respect to the logits in one pass over the data. Bit for bit the
    /// same as <c>Forward</c> and <c>Backward</c> with an upstream gradient of ones.
    /// </summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="gradient">Receives dloss_i/dx_i; must not overlap <paramref name="losses"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <exception cref="ArgumentException">A length differs, outputs overlap, a target is outside [0, 1] or NaN,
    /// <paramref name="gamma"/> is negative or not finite, or <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static void ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses, Span<float> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.ForwardBackward(new RuntimeGammaRunner<float>(gamma), logits, targets, losses, gradient, alpha);

    /// <inheritdoc cref="ForwardBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, double, double)"/>
    public static void ForwardBackward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses, Span<double> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.ForwardBackward(new RuntimeGammaRunner<double>(gamma), logits, targets, losses, gradient, alpha);

    /// <summary>
    /// The reduced loss and its gradient with respect to the logits in one pass over the data. Bit for bit the same as
    /// <c>Forward</c> with the reduction and <c>Backward</c> with the reduction and an upstream gradient of 1.
    /// </summary>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="reduction"><see cref="FocalReduction.Sum"/>, <see cref="FocalReduction.Mean"/> or
    /// <see cref="FocalReduction.Normalized(double)"/>.</param>
    /// <param name="gradient">Receives d(reduced loss)/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ <see cref="MaxGamma"/> (10⁶).</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for no α weighting.</param>
    /// <returns>The reduced loss. For no elements: 0, or NaN for the mean.</returns>
    /// <exception cref="ArgumentException">A length differs, an output partially overlaps an input, a target is outside
    /// [0, 1] or NaN, the reduction is <c>default</c>, <paramref name="gamma"/> is negative or not finite, or
    /// <paramref name="alpha"/> is above 1 or NaN.</exception>
    public static float ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, Span<float> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<float>.ForwardBackward(new RuntimeGammaRunner<float>(gamma), logits, targets, reduction, gradient, alpha);

    /// <inheritdoc cref="ForwardBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, FocalReduction, Span{float}, double, double)"/>
    public static double ForwardBackward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, Span<double> gradient,
        double gamma = DefaultGamma, double alpha = DefaultAlpha)
        => SigmoidFocalCore<double>.ForwardBackward(new RuntimeGammaRunner<double>(gamma), logits, targets, reduction, gradient, alpha);

    private struct KernelDescription : IFocalPowerVisitor
    {
        public string Text { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, IFocalPower
            => Text = string.Create(CultureInfo.InvariantCulture, $"specialized γ = {TPower.Gamma}: {TPower.Description}");
    }
}
