namespace FocalAot.OpenCl;

/// <summary>The buffers of one device call: inputs, the outputs it writes (null for none), and what it reduces.</summary>
internal readonly struct Call<T>(OpenClBuffer<T> logits, OpenClBuffer<T> targets, OpenClBuffer<T>? weights)
    where T : unmanaged
{
    public OpenClBuffer<T> Logits { get; } = logits;

    public OpenClBuffer<T> Targets { get; } = targets;

    public OpenClBuffer<T>? Weights { get; } = weights;

    public OpenClBuffer<T>? Upstream { get; init; }

    public OpenClBuffer<T>? Losses { get; init; }

    public OpenClBuffer<T>? Gradient { get; init; }

    /// <summary>The losses are summed (a reduced forward or fused call).</summary>
    public bool SumsLosses { get; init; }

    /// <summary>The scalar upstream gradient of a reduced backward call (1 otherwise).</summary>
    public double ScalarUpstream { get; init; } = 1;
}
