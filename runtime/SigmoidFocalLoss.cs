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
public static partial class SigmoidFocalLoss
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
        RuntimeGammaRunner<float>.ValidateGamma(gamma);
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

    /// <summary>Per-element losses (the options' reduction must be <see cref="FocalReduction.None"/>).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or
    /// <see cref="BFloat16"/> (the 16-bit types compute in float and round each result once).</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="losses">Receives one loss per element; as many as <paramref name="logits"/>.</param>
    /// <param name="options">γ, α, weights; <c>default</c> for γ = 2, α = 0.25.</param>
    /// <exception cref="ArgumentException">A length differs, an output overlaps an input partially or the weights at all,
    /// a target is outside [0, 1] or NaN, a weight is negative or not finite, or an option breaks its rule (the message
    /// names it).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static void Forward<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, FocalLossOptions<T> options = default)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            SigmoidFocalCall<T, double>.Forward(Runner<T, double>(options), logits, targets, losses, options);
        }
        else
        {
            SigmoidFocalCall<T, float>.Forward(Runner<T, float>(options), logits, targets, losses, options);
        }
    }

    /// <summary>The reduced loss: sum, mean, normalized sum or weighted mean (the options' reduction).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="options">γ, α, weights and a reduction other than <see cref="FocalReduction.None"/>.</param>
    /// <returns>The reduced loss, summed in double in a fixed order and rounded once to <typeparamref name="T"/>. For no
    /// elements: 0, or NaN for a mean.</returns>
    /// <exception cref="ArgumentException">As for the per-element overload, or the reduction is None.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static T Forward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalLossOptions<T> options)
        where T : unmanaged
        => typeof(T) == typeof(double)
            ? SigmoidFocalCall<T, double>.Forward(Runner<T, double>(options), logits, targets, options)
            : SigmoidFocalCall<T, float>.Forward(Runner<T, float>(options), logits, targets, options);

    /// <summary>The gradient of per-element losses with respect to the logits, times a per-element upstream gradient
    /// (the options' reduction must be <see cref="FocalReduction.None"/>).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="upstream">dL/dloss_i for each element, as many as <paramref name="logits"/>.</param>
    /// <param name="gradient">Receives dL/dx_i = upstream_i · dloss_i/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="options">γ, α, weights; <c>default</c> for γ = 2, α = 0.25.</param>
    /// <exception cref="ArgumentException">As for
    /// <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, FocalLossOptions{T})"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static void Backward<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient,
        FocalLossOptions<T> options = default)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            SigmoidFocalCall<T, double>.Backward(Runner<T, double>(options), logits, targets, upstream, gradient, options);
        }
        else
        {
            SigmoidFocalCall<T, float>.Backward(Runner<T, float>(options), logits, targets, upstream, gradient, options);
        }
    }

    /// <summary>The gradient of the reduced loss with respect to the logits, times a scalar upstream gradient.</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="upstream">dL/d(reduced loss); 1 for the plain gradient.</param>
    /// <param name="gradient">Receives dL/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="options">γ, α, weights and a reduction other than <see cref="FocalReduction.None"/>.</param>
    /// <exception cref="ArgumentException">As for the per-element overload, or the reduction is None.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static void Backward<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T upstream, Span<T> gradient, FocalLossOptions<T> options)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            SigmoidFocalCall<T, double>.Backward(Runner<T, double>(options), logits, targets, upstream, gradient, options);
        }
        else
        {
            SigmoidFocalCall<T, float>.Backward(Runner<T, float>(options), logits, targets, upstream, gradient, options);
        }
    }

    /// <summary>
    /// Per-element losses and their gradients in one pass over the data: bit for bit <c>Forward</c> and <c>Backward</c>
    /// with an upstream gradient of ones.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="gradient">Receives dloss_i/dx_i; must not overlap <paramref name="losses"/>.</param>
    /// <param name="options">γ, α, weights; <c>default</c> for γ = 2, α = 0.25.</param>
    /// <exception cref="ArgumentException">As for <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, FocalLossOptions{T})"/>,
    /// or the outputs overlap.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static void ForwardBackward<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, FocalLossOptions<T> options = default)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            SigmoidFocalCall<T, double>.ForwardBackward(Runner<T, double>(options), logits, targets, losses, gradient, options);
        }
        else
        {
            SigmoidFocalCall<T, float>.ForwardBackward(Runner<T, float>(options), logits, targets, losses, gradient, options);
        }
    }

    /// <summary>
    /// The reduced loss and its gradient in one pass over the data: bit for bit the reduced <c>Forward</c> and the reduced
    /// <c>Backward</c> with an upstream gradient of 1.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <param name="logits">The logits x.</param>
    /// <param name="targets">The targets y in [0, 1], as many as <paramref name="logits"/>.</param>
    /// <param name="gradient">Receives d(reduced loss)/dx_i; as many as <paramref name="logits"/>.</param>
    /// <param name="options">γ, α, weights and a reduction other than <see cref="FocalReduction.None"/>.</param>
    /// <returns>The reduced loss. For no elements: 0, or NaN for a mean.</returns>
    /// <exception cref="ArgumentException">As for the per-element overloads, or the reduction is None.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four element types.</exception>
    public static T ForwardBackward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, FocalLossOptions<T> options)
        where T : unmanaged
        => typeof(T) == typeof(double)
            ? SigmoidFocalCall<T, double>.ForwardBackward(Runner<T, double>(options), logits, targets, gradient, options)
            : SigmoidFocalCall<T, float>.ForwardBackward(Runner<T, float>(options), logits, targets, gradient, options);

    private static RuntimeGammaRunner<TCompute> Runner<T, TCompute>(in FocalLossOptions<T> options)
        where T : unmanaged
        where TCompute : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<TCompute>
        => new(options.Gamma, options.ForceGenericKernel, options.SampleDependentGamma);

    private struct KernelDescription : IFocalPowerVisitor
    {
        public string Text { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, IFocalPower
            => Text = string.Create(CultureInfo.InvariantCulture, $"specialized γ = {TPower.Gamma}: {TPower.Description}");
    }
}
