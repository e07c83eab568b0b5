using FocalAot.Drivers;

namespace FocalAot;

/// <summary>
/// Softmax (multi-class) focal loss over logits [N, C] in row-major order: for sample i with target distribution y
/// (a class index is a one-hot y) and p = softmax(x_i), FL_i = -w_i Σ_j α_j y'_j (1 - p_j)^γ log p_j, where
/// y' = (1 - ε) y + ε/C is the label-smoothed target. γ = 0 with α off is torch's <c>cross_entropy</c>.
/// </summary>
/// <remarks>
/// <para>
/// Targets are class indices (<see cref="int"/> or <see cref="long"/>, one per row, <see cref="FocalLossOptions{T}.IgnoreIndex"/>
/// marks a row to skip) or probabilities of the logits' type (one per logit, soft targets such as mixup). The options
/// carry γ; α as a scalar multiplier (mmcv's <c>softmax_focal_loss</c>; negative for none) or one weight per class in
/// <see cref="FocalLossOptions{T}.ClassAlpha"/> (torch's <c>weight=</c>, any finite value ≥ 0, at most
/// <see cref="float.MaxValue"/> where the rows compute in float: float, Half and BFloat16 logits); per-row weights;
/// label smoothing; and the reduction. Mean divides by the number of rows not ignored (NaN when every row is
/// ignored), weighted mean by Σ w_i α_{t_i} over those rows (torch's convention with class weights; for soft targets
/// α_{t_i} is Σ_j y_ij α_j).
/// </para>
/// <para>
/// log p comes from a max-shifted log-sum-exp with an exactly carried difference, and 1 - p of the top class from the
/// other classes' mass, so p_t → 1, γ &lt; 1 and logits of ±1e4 stay exact and finite. A row with a NaN or +∞ logit,
/// or only -∞ logits, gives NaN loss and gradient; a -∞ logit elsewhere has p = 0 (an infinite loss where its class
/// carries target mass). Results are identical bit for bit on every <see cref="SimdPath"/> and thread count. The
/// gradient may be written over the logits (in place); no other output may overlap an input. Float and double
/// storage compute in themselves; Half and BFloat16 storage compute in float and round each result once. Every rule is
/// checked before anything is written.
/// </para>
/// </remarks>
public static class SoftmaxFocalLoss
{
    /// <summary>Per-sample losses (the options' reduction must be <see cref="FocalReduction.None"/>).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> for class indices, or <typeparamref name="T"/>
    /// for probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="losses">Receives one loss per row (N).</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index.</param>
    /// <exception cref="ArgumentException">A length or shape is wrong, an output overlaps an input, a target is out of
    /// range (the message names the row), or an option breaks its rule.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static void Forward<T, TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, FocalLossOptions<T> options = default)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (typeof(T) == typeof(double))
            SoftmaxFocalCall<T, double>.Forward(Runner<T, double>(options), logits, targets, shape, losses, options);
        else
            SoftmaxFocalCall<T, float>.Forward(Runner<T, float>(options), logits, targets, shape, losses, options);
    }

    /// <summary>The reduced loss: sum, mean, normalized sum or weighted mean (the options' reduction).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/>, <see cref="long"/> or <typeparamref name="T"/>.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index and a reduction other than None.</param>
    /// <returns>The reduced loss: the per-sample losses summed in double in row order, divided, rounded once.</returns>
    /// <exception cref="ArgumentException">As for the per-sample overload, or the reduction is None.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static T Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
        => typeof(T) == typeof(double)
            ? SoftmaxFocalCall<T, double>.Forward(Runner<T, double>(options), logits, targets, shape, options)
            : SoftmaxFocalCall<T, float>.Forward(Runner<T, float>(options), logits, targets, shape, options);

    /// <summary>The gradient of per-sample losses times a per-sample upstream gradient (reduction None).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/>, <see cref="long"/> or <typeparamref name="T"/>.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="upstream">dL/dloss_i, one per row (N).</param>
    /// <param name="gradient">Receives dL/dx, [N, C]; may be the logits' memory.</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index.</param>
    /// <exception cref="ArgumentException">As for the per-sample <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static void Backward<T, TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream, Span<T> gradient,
        FocalLossOptions<T> options = default)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (typeof(T) == typeof(double))
            SoftmaxFocalCall<T, double>.Backward(Runner<T, double>(options), logits, targets, shape, upstream, gradient, options);
        else
            SoftmaxFocalCall<T, float>.Backward(Runner<T, float>(options), logits, targets, shape, upstream, gradient, options);
    }

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient.</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/>, <see cref="long"/> or <typeparamref name="T"/>.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="upstream">dL/d(reduced loss); 1 for the plain gradient.</param>
    /// <param name="gradient">Receives dL/dx, [N, C]; may be the logits' memory.</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index and a reduction other than None.</param>
    /// <exception cref="ArgumentException">As for the reduced <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static void Backward<T, TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient, FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (typeof(T) == typeof(double))
            SoftmaxFocalCall<T, double>.Backward(Runner<T, double>(options), logits, targets, shape, upstream, gradient, options);
        else
            SoftmaxFocalCall<T, float>.Backward(Runner<T, float>(options), logits, targets, shape, upstream, gradient, options);
    }

    /// <summary>Per-sample losses and their gradient in one pass: bit for bit <c>Forward</c> and <c>Backward</c> with upstream ones.</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/>, <see cref="long"/> or <typeparamref name="T"/>.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="losses">Receives one loss per row (N).</param>
    /// <param name="gradient">Receives dloss_i/dx, [N, C]; may be the logits' memory.</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index.</param>
    /// <exception cref="ArgumentException">As for the per-sample <c>Forward</c>, or the outputs overlap.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static void ForwardBackward<T, TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, Span<T> gradient,
        FocalLossOptions<T> options = default)
        where T : unmanaged
        where TTarget : unmanaged
    {
        if (typeof(T) == typeof(double))
            SoftmaxFocalCall<T, double>.ForwardBackward(Runner<T, double>(options), logits, targets, shape, losses, gradient, options);
        else
            SoftmaxFocalCall<T, float>.ForwardBackward(Runner<T, float>(options), logits, targets, shape, losses, gradient, options);
    }

    /// <summary>The reduced loss and its gradient in one pass: bit for bit the reduced <c>Forward</c> and <c>Backward</c> with upstream 1.</summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// (the 16-bit types compute in float and round each result once).</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/>, <see cref="long"/> or <typeparamref name="T"/>.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample (row, or position of [N, C, S]), or one probability per logit.</param>
    /// <param name="shape">C, the number of classes (an int), or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="gradient">Receives d(reduced loss)/dx, [N, C]; may be the logits' memory.</param>
    /// <param name="options">γ, α, weights, label smoothing, ignore index and a reduction other than None.</param>
    /// <returns>The reduced loss.</returns>
    /// <exception cref="ArgumentException">As for the reduced <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> or <typeparamref name="TTarget"/> is not supported.</exception>
    public static T ForwardBackward<T, TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient, FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
        => typeof(T) == typeof(double)
            ? SoftmaxFocalCall<T, double>.ForwardBackward(Runner<T, double>(options), logits, targets, shape, gradient, options)
            : SoftmaxFocalCall<T, float>.ForwardBackward(Runner<T, float>(options), logits, targets, shape, gradient, options);

    private static RuntimeSoftmaxRunner<TCompute> Runner<T, TCompute>(in FocalLossOptions<T> options)
        where T : unmanaged
        where TCompute : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<TCompute>
        => new(options.Gamma, options.ForceGenericKernel, options.SampleDependentGamma);
}
