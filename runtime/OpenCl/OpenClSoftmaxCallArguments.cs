namespace FocalAot.OpenCl;

/// <summary>The buffers of one softmax device call: inputs, the outputs it writes (null for none), and what it reduces.</summary>
internal readonly struct SoftmaxCall<T, TTarget>(OpenClBuffer<T> logits, OpenClBuffer<TTarget> targets, SoftmaxShape shape, OpenClBuffer<T>? weights)
    where T : unmanaged
    where TTarget : unmanaged
{
    public OpenClBuffer<T> Logits { get; } = logits;

    public OpenClBuffer<TTarget> Targets { get; } = targets;

    public SoftmaxShape Shape { get; } = shape;

    /// <summary>One weight per sample, or null.</summary>
    public OpenClBuffer<T>? Weights { get; } = weights;

    /// <summary>One upstream gradient per sample (a per-sample backward call), or null.</summary>
    public OpenClBuffer<T>? Upstream { get; init; }

    public OpenClBuffer<T>? Losses { get; init; }

    public OpenClBuffer<T>? Gradient { get; init; }

    /// <summary>The losses are summed (a reduced forward or fused call).</summary>
    public bool SumsLosses { get; init; }

    /// <summary>The scalar upstream gradient of a reduced backward call (1 otherwise).</summary>
    public double ScalarUpstream { get; init; } = 1;
}
