using System.ComponentModel;
using System.Numerics;
using FocalAot.Drivers;
using FocalAot.OpenCl.Rendering;

namespace FocalAot.Kernels;

/// <summary>
/// The entry points of a kernel specialized for one γ (the power operator <typeparamref name="TPower"/>): what the
/// FocalAot generator's code calls. The operations, options, rules and guarantees of <see cref="SigmoidFocalLoss"/>;
/// the options' γ, if set, must be the kernel's.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TPower">A generated power operator.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SigmoidFocalKernel<T, TPower>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    private static string? openClSource;

    /// <summary>Per-element losses; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="options">α, weights (reduction None).</param>
    public static void Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.Forward(default(SpecializedRunner<T, TPower>), logits, targets, losses, options);

    /// <summary>The reduced loss; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="options">α, weights and the reduction.</param>
    /// <returns>The reduced loss.</returns>
    public static T Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.Forward(default(SpecializedRunner<T, TPower>), logits, targets, options);

    /// <summary>The gradient of per-element losses times a per-element upstream gradient; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="upstream">The upstream gradient per element.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights (reduction None).</param>
    public static void Backward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.Backward(default(SpecializedRunner<T, TPower>), logits, targets, upstream, gradient, options);

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="upstream">The upstream gradient of the reduced loss.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights and the reduction.</param>
    public static void Backward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T upstream, Span<T> gradient, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.Backward(default(SpecializedRunner<T, TPower>), logits, targets, upstream, gradient, options);

    /// <summary>Per-element losses and gradients in one pass; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="losses">Receives one loss per element.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights (reduction None).</param>
    public static void ForwardBackward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.ForwardBackward(default(SpecializedRunner<T, TPower>), logits, targets, losses, gradient, options);

    /// <summary>The reduced loss and its gradient in one pass; see <see cref="SigmoidFocalLoss"/>.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1].</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">α, weights and the reduction.</param>
    /// <returns>The reduced loss.</returns>
    public static T ForwardBackward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, FocalLossOptions<T> options)
        => SigmoidFocalCall<T, T>.ForwardBackward(default(SpecializedRunner<T, TPower>), logits, targets, gradient, options);

    /// <summary>
    /// The kernel as an OpenCL C program, rendered (once, on first use) from the recipe of the .NET kernels: the same
    /// operations in the same order with the same constants, so a device that builds it with
    /// <c>-cl-fp32-correctly-rounded-divide-sqrt</c> gives the CPU's bits. Entry points focal_sigmoid_forward,
    /// focal_sigmoid_backward and focal_sigmoid_forward_backward; each takes the element count n first.
    /// </summary>
    public static string OpenClSource => openClSource ??= OpenClKernelSource.Standalone<T, TPower>();
}
