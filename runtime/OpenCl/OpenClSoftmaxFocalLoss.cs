using FocalAot.Drivers;
using FocalAot.Storage;

namespace FocalAot.OpenCl;

/// <summary>
/// Softmax (multi-class) focal loss on an OpenCL device, with the shapes, targets, options, rules and results of
/// <see cref="FocalAot.SoftmaxFocalLoss"/>: logits [N, C] or [N, C, S]; <see cref="int"/> or <see cref="long"/> class
/// indices or probabilities of the logits' type; γ (built-in, generic or FLSD-53), α or per-class α, per-sample weights,
/// label smoothing, ignore index, Poly-1, and every reduction; float, double, <see cref="Half"/> and
/// <see cref="BFloat16"/> storage.
/// </summary>
/// <remarks>
/// <para>
/// Per-sample losses and gradients are bit-identical to the CPU path: the per-class and per-row arithmetic is rendered
/// from the CPU kernels' recipe (the same IEEE operations, built with FP_CONTRACT off and correctly rounded division and
/// square root), and each row's sums (the exponentials, the dense part's loss and gradient terms) are added in the CPU's
/// canonical order in double. Reduced losses add the per-sample losses in the CPU's chunks of rows and the chunk totals
/// in order, so they are bit-identical too. The programs need fp64 (the row sums and the row constants are double on
/// the CPU as well): on a device without it, or a context created with <c>useFp64: false</c>, every call throws
/// <see cref="NotSupportedException"/>.
/// </para>
/// <para>
/// Calls on device buffers are enqueued and return at once, except those that return a reduced loss (they wait for it)
/// and those whose reduction is a mean or weighted mean (they read the targets, and the weights, back to form the CPU's
/// denominator, and report an invalid one there, before anything is written). On device buffers, per-sample weights come
/// as a buffer (<c>weights:</c>), not in <see cref="FocalLossOptions{T}.Weights"/>; a target or weight found invalid on
/// the device is reported at the next wait (<see cref="OpenClContext.Synchronize"/>, a download, a reduced result) with
/// the CPU's exception and message, naming the row. The gradient may be the logits buffer (in place); no other output
/// may be an input buffer. Host-span calls check every rule on the host as the CPU does, copy the inputs to the device,
/// run, and copy the results back.
/// </para>
/// </remarks>
public sealed class OpenClSoftmaxFocalLoss
{
    private readonly OpenClContext context;

    internal OpenClSoftmaxFocalLoss(OpenClContext context) => this.context = context;

    /// <summary>Per-sample losses into <paramref name="losses"/> (reduction None), enqueued.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 (reduction None; no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <exception cref="ArgumentException">A rule of <see cref="FocalAot.SoftmaxFocalLoss"/> is broken, a buffer belongs to another
    /// context, or an output is an input buffer.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public void Forward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, OpenClBuffer<T> losses,
        in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
        => Run(new SoftmaxCall<T, TTarget>(logits, targets, shape, weights) { Losses = losses }, options, reduced: false);

    /// <summary>The reduced loss (Sum, Mean, Normalized or WeightedMean); waits for it.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 and a reduction other than None (no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <returns>The reduced loss, the CPU's bits.</returns>
    /// <exception cref="ArgumentException">As for the per-sample overload, or the reduction is None; an invalid target or weight.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public T Forward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<T> options,
        OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
        => Run(new SoftmaxCall<T, TTarget>(logits, targets, shape, weights) { SumsLosses = true }, options, reduced: true);

    /// <summary>The gradient of per-sample losses times a per-sample upstream gradient (reduction None), enqueued.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="upstream">dL/dloss_i, one per sample.</param>
    /// <param name="gradient">Receives dL/dx, one per logit; may be the logits buffer.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 (reduction None; no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <exception cref="ArgumentException">As for the per-sample <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public void Backward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, OpenClBuffer<T> upstream,
        OpenClBuffer<T> gradient, in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
        => Run(new SoftmaxCall<T, TTarget>(logits, targets, shape, weights) { Upstream = upstream, Gradient = gradient }, options, reduced: false);

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient, enqueued.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="upstream">dL/d(reduced loss); 1 for the plain gradient.</param>
    /// <param name="gradient">Receives dL/dx, one per logit; may be the logits buffer.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 and a reduction other than None (no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <exception cref="ArgumentException">As for the reduced <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public void Backward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, T upstream,
        OpenClBuffer<T> gradient, in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
    {
        RequireSupported<T>();  // before the scalar is converted
        var call = new SoftmaxCall<T, TTarget>(logits, targets, shape, weights)
        {
            Gradient = gradient,
            ScalarUpstream = ElementStorage.ToDouble(upstream),
        };
        Run(call, options, reduced: true);
    }

    /// <summary>Per-sample losses and their gradient in one pass (reduction None), enqueued.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="gradient">Receives dloss_i/dx, one per logit; may be the logits buffer.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 (reduction None; no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <exception cref="ArgumentException">As for the per-sample <c>Forward</c>, or the outputs are one buffer.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public void ForwardBackward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, OpenClBuffer<T> losses,
        OpenClBuffer<T> gradient, in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
        => Run(new SoftmaxCall<T, TTarget>(logits, targets, shape, weights) { Losses = losses, Gradient = gradient }, options, reduced: false);

    /// <summary>The reduced loss and its gradient in one pass; waits for the loss.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits, [N, C] row-major (or [N, C, S]).</param>
    /// <param name="targets">One class index per sample, or one probability per logit.</param>
    /// <param name="shape">C, or <c>new SoftmaxShape(C, S)</c> for [N, C, S] logits.</param>
    /// <param name="gradient">Receives d(reduced loss)/dx, one per logit; may be the logits buffer.</param>
    /// <param name="options">γ, α, label smoothing, ignore index, Poly-1 and a reduction other than None (no host weights).</param>
    /// <param name="weights">One weight per sample, or null.</param>
    /// <returns>The reduced loss, the CPU's bits.</returns>
    /// <exception cref="ArgumentException">As for the reduced <c>Forward</c>.</exception>
    /// <exception cref="NotSupportedException">An element or target type is not supported, or the context has no fp64.</exception>
    public T ForwardBackward<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, OpenClBuffer<T> gradient,
        in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        where TTarget : unmanaged
        => Run(new SoftmaxCall<T, TTarget>(logits, targets, shape, weights) { Gradient = gradient, SumsLosses = true }, options, reduced: true);

    /// <summary>Host spans: per-sample losses (see the device-buffer overload; weights in the options).</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="options">The options, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    public void Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses,
        in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: false);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options, losses.Length);
        Forward(staged.Logits, staged.Targets, shape, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(losses);
    }

    /// <summary>Host spans: the reduced loss.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="options">The options and the reduction, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    /// <returns>The reduced loss.</returns>
    public T Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: true);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options);
        return Forward(staged.Logits, staged.Targets, shape, staged.Options, staged.Weights);
    }

    /// <summary>Host spans: the gradient of per-sample losses with an upstream gradient per sample.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="upstream">One upstream gradient per sample.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">The options, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    public void Backward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream,
        Span<T> gradient, in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: false);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options, gradient.Length);
        using var up = context.Upload(upstream);
        Backward(staged.Logits, staged.Targets, shape, up, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
    }

    /// <summary>Host spans: the gradient of the reduced loss times a scalar upstream gradient.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="upstream">dL/d(reduced loss).</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">The options and the reduction, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    public void Backward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient,
        in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: true);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options, gradient.Length);
        Backward(staged.Logits, staged.Targets, shape, upstream, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
    }

    /// <summary>Host spans: per-sample losses and their gradient.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="losses">Receives one loss per sample.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">The options, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    public void ForwardBackward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses,
        Span<T> gradient, in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: false);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options, losses.Length, gradient.Length);
        ForwardBackward(staged.Logits, staged.Targets, shape, staged.Output(0), staged.Output(1), staged.Options, staged.Weights);
        staged.Output(0).Download(losses);
        staged.Output(1).Download(gradient);
    }

    /// <summary>Host spans: the reduced loss and its gradient.</summary>
    /// <typeparam name="T">The element type: float, double, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
    /// <typeparam name="TTarget"><see cref="int"/> or <see cref="long"/> class indices, or <typeparamref name="T"/> probabilities.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The class indices or probabilities.</param>
    /// <param name="shape">C, or [N, C, S].</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="options">The options and the reduction, as for <see cref="FocalAot.SoftmaxFocalLoss"/>.</param>
    /// <returns>The reduced loss.</returns>
    public T ForwardBackward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient,
        in FocalLossOptions<T> options)
        where T : unmanaged
        where TTarget : unmanaged
    {
        SoftmaxFocalRules<T>.Validate(logits, targets, shape, options, reduced: true);
        using var staged = new HostCall<T, TTarget>(context, logits, targets, options, gradient.Length);
        var loss = ForwardBackward(staged.Logits, staged.Targets, shape, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
        return loss;
    }

    private static void RequireSupported<T>()
        where T : unmanaged
    {
        if (!ElementStorage.IsSupported<T>())
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported; use float, double, Half or BFloat16.");
    }

    private T Run<T, TTarget>(in SoftmaxCall<T, TTarget> call, in FocalLossOptions<T> options, bool reduced)
        where T : unmanaged
        where TTarget : unmanaged
    {
        RequireSupported<T>();
        return typeof(T) == typeof(double)
            ? OpenClSoftmaxCall<T, double>.Run(context, call, options, reduced)
            : OpenClSoftmaxCall<T, float>.Run(context, call, options, reduced);
    }
}
