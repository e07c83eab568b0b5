using FocalAot.Drivers;
using FocalAot.Storage;

namespace FocalAot.OpenCl;

/// <summary>
/// Sigmoid focal loss on an OpenCL device, with the descriptor, rules and results of <see cref="FocalAot.SigmoidFocalLoss"/>:
/// per-element results bit-identical to the CPU path (the same operation sequence, built with FP_CONTRACT off and
/// correctly rounded division and square root), and sums in the CPU's canonical order, bit-identical where the device
/// has fp64. Per-element calls on device buffers are enqueued and return at once; a reduced result waits for its value.
/// On device buffers, per-element weights come as a buffer (<c>weights:</c>), not in <see cref="FocalLossOptions{T}.Weights"/>.
/// </summary>
public sealed class OpenClSigmoidFocalLoss
{
    private readonly OpenClContext context;

    internal OpenClSigmoidFocalLoss(OpenClContext context) => this.context = context;

    /// <summary>Per-element losses into <paramref name="losses"/> (reduction None), enqueued.</summary>
    public void Forward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, OpenClBuffer<T> losses, in FocalLossOptions<T> options,
        OpenClBuffer<T>? weights = null)
        where T : unmanaged
        => Run(new Call<T>(logits, targets, weights) { Losses = losses }, options, reduced: false);

    /// <summary>The reduced loss (Sum, Mean, Normalized or WeightedMean); waits for it.</summary>
    public T Forward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        => Run(new Call<T>(logits, targets, weights) { SumsLosses = true }, options, reduced: true);

    /// <summary>The gradient of per-element losses with an upstream gradient per element (reduction None), enqueued.</summary>
    public void Backward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, OpenClBuffer<T> upstream, OpenClBuffer<T> gradient,
        in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        => Run(new Call<T>(logits, targets, weights) { Upstream = upstream, Gradient = gradient }, options, reduced: false);

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient, enqueued.</summary>
    public void Backward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, T upstream, OpenClBuffer<T> gradient,
        in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
    {
        RequireSupported<T>();  // before the scalar is converted
        var call = new Call<T>(logits, targets, weights) { Gradient = gradient, ScalarUpstream = ElementStorage.ToDouble(upstream) };
        Run(call, options, reduced: true);
    }

    /// <summary>Per-element losses and their gradient in one pass (reduction None), enqueued.</summary>
    public void ForwardBackward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, OpenClBuffer<T> losses, OpenClBuffer<T> gradient,
        in FocalLossOptions<T> options, OpenClBuffer<T>? weights = null)
        where T : unmanaged
        => Run(new Call<T>(logits, targets, weights) { Losses = losses, Gradient = gradient }, options, reduced: false);

    /// <summary>The reduced loss and its gradient in one pass; waits for the loss.</summary>
    public T ForwardBackward<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, OpenClBuffer<T> gradient, in FocalLossOptions<T> options,
        OpenClBuffer<T>? weights = null)
        where T : unmanaged
        => Run(new Call<T>(logits, targets, weights) { Gradient = gradient, SumsLosses = true }, options, reduced: true);

    /// <summary>Host spans: uploads, runs
    /// <see cref="Forward{T}(OpenClBuffer{T}, OpenClBuffer{T}, OpenClBuffer{T}, in FocalLossOptions{T}, OpenClBuffer{T})"/>, downloads.</summary>
    public void Forward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options, losses.Length);
        Forward(staged.Logits, staged.Targets, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(losses);
    }

    /// <summary>Host spans: the reduced loss.</summary>
    public T Forward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options);
        return Forward(staged.Logits, staged.Targets, staged.Options, staged.Weights);
    }

    /// <summary>Host spans: the gradient with an upstream gradient per element.</summary>
    public void Backward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient,
        in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options, gradient.Length);
        using var upstreamBuffer = Stage(upstream, logits.Length, nameof(upstream));
        Backward(staged.Logits, staged.Targets, upstreamBuffer, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
    }

    /// <summary>Host spans: the gradient of the reduced loss.</summary>
    public void Backward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T upstream, Span<T> gradient, in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options, gradient.Length);
        Backward(staged.Logits, staged.Targets, upstream, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
    }

    /// <summary>Host spans: per-element losses and gradient.</summary>
    public void ForwardBackward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient,
        in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options, losses.Length, gradient.Length);
        ForwardBackward(staged.Logits, staged.Targets, staged.Output(0), staged.Output(1), staged.Options, staged.Weights);
        staged.Output(0).Download(losses);
        staged.Output(1).Download(gradient);
    }

    /// <summary>Host spans: the reduced loss and its gradient.</summary>
    public T ForwardBackward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, in FocalLossOptions<T> options)
        where T : unmanaged
    {
        using var staged = new HostCall<T, T>(context, logits, targets, options, gradient.Length);
        var loss = ForwardBackward(staged.Logits, staged.Targets, staged.Output(0), staged.Options, staged.Weights);
        staged.Output(0).Download(gradient);
        return loss;
    }

    private OpenClBuffer<T> Stage<T>(ReadOnlySpan<T> data, int length, string name)
        where T : unmanaged
    {
        SigmoidFocalRules<T>.RequireSameLength(data.Length, length, name);
        return context.Upload(data);
    }

    private static void RequireSupported<T>()
        where T : unmanaged
    {
        if (!ElementStorage.IsSupported<T>())
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported; use float, double, Half or BFloat16.");
    }

    private T Run<T>(in Call<T> call, in FocalLossOptions<T> options, bool reduced)
        where T : unmanaged
    {
        RequireSupported<T>();
        return typeof(T) == typeof(double)
            ? OpenClCall<T, double>.Run(context, call, options, reduced)
            : OpenClCall<T, float>.Run(context, call, options, reduced);
    }
}
