using System.ComponentModel;
using System.Numerics;
using FocalAot.Drivers;

namespace FocalAot.Kernels;

/// <summary>
/// The entry points of a kernel specialized for one γ (the power operator <typeparamref name="TPower"/>): what the
/// FocalAot generator's code calls. Same operations, arguments, rules and guarantees as
/// <see cref="SigmoidFocalLoss"/>, without γ.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TPower">A generated power operator.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SigmoidFocalKernel<T, TPower>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    /// <summary>Per-element losses; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    public static void Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, double alpha)
        => SigmoidFocalCore<T>.Forward(default(SpecializedRunner<T, TPower>), logits, targets, losses, alpha);

    /// <summary>The reduced loss; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    /// <returns>The reduced loss.</returns>
    public static T Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, double alpha)
        => SigmoidFocalCore<T>.Forward(default(SpecializedRunner<T, TPower>), logits, targets, reduction, alpha);

    /// <summary>The gradient of per-element losses times a per-element upstream gradient; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="upstream">The upstream gradient per element.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    public static void Backward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, double alpha)
        => SigmoidFocalCore<T>.Backward(default(SpecializedRunner<T, TPower>), logits, targets, upstream, gradient, alpha);

    /// <summary>The gradient of a reduced loss times a scalar upstream gradient; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="upstream">The upstream gradient of the reduced loss.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    public static void Backward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, T upstream, Span<T> gradient, double alpha)
        => SigmoidFocalCore<T>.Backward(default(SpecializedRunner<T, TPower>), logits, targets, reduction, upstream, gradient, alpha);

    /// <summary>Per-element losses and gradients in one pass; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    public static void ForwardBackward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, double alpha)
        => SigmoidFocalCore<T>.ForwardBackward(default(SpecializedRunner<T, TPower>), logits, targets, losses, gradient, alpha);

    /// <summary>The reduced loss and its gradient in one pass; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="alpha">The class balance α in [0, 1]; negative for none.</param>
    /// <returns>The reduced loss.</returns>
    public static T ForwardBackward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, Span<T> gradient, double alpha)
        => SigmoidFocalCore<T>.ForwardBackward(default(SpecializedRunner<T, TPower>), logits, targets, reduction, gradient, alpha);
}
