using System.ComponentModel;
using System.Numerics;
using FocalAot.Drivers;

namespace FocalAot.Kernels;

/// <summary>
/// The softmax entry points of a kernel specialized for one γ (the power operator <typeparamref name="TPower"/>): what
/// the FocalAot generator's code calls. The operations, options, rules and guarantees of <see cref="SoftmaxFocalLoss"/>;
/// the options' γ, if set, must be the kernel's, and FLSD-53 is not available.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TPower">A generated power operator.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SoftmaxFocalKernel<T, TPower>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    /// <summary>Per-sample losses; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="options">α, weights, label smoothing, ignore index (reduction None).</param>
    public static void Forward<TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.Forward(default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, losses, options);

    /// <summary>The reduced loss; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="options">α, weights, label smoothing, ignore index and the reduction.</param>
    /// <returns>The reduced loss.</returns>
    public static T Forward<TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.Forward(default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, options);

    /// <summary>The gradient of per-sample losses times a per-sample upstream gradient; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="upstream">The upstream gradient per sample.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights, label smoothing, ignore index (reduction None).</param>
    public static void Backward<TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream, Span<T> gradient,
        FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.Backward(default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, upstream, gradient, options);

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="upstream">The upstream gradient of the reduced loss.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights, label smoothing, ignore index and the reduction.</param>
    public static void Backward<TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient, FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.Backward(default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, upstream, gradient, options);

    /// <summary>Per-sample losses and the gradient in one pass; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights, label smoothing, ignore index (reduction None).</param>
    public static void ForwardBackward<TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, Span<T> gradient,
        FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.ForwardBackward(
            default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, losses, gradient, options);

    /// <summary>The reduced loss and its gradient in one pass; see <see cref="SoftmaxFocalLoss"/>.</summary>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights, label smoothing, ignore index and the reduction.</param>
    /// <returns>The reduced loss.</returns>
    public static T ForwardBackward<TTarget>(
        ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient, FocalLossOptions<T> options)
        where TTarget : unmanaged
        => SoftmaxFocalCall<T, T>.ForwardBackward(default(SpecializedSoftmaxRunner<T, TPower>), logits, targets, shape, gradient, options);
}
