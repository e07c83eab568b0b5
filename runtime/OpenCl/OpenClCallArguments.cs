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

/// <summary>A host-span call's device copies: inputs uploaded, outputs allocated, released together.</summary>
internal ref struct HostCall<T> : IDisposable
    where T : unmanaged
{
    private readonly OpenClBuffer<T>?[] outputs;

    public HostCall(OpenClContext context, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, in FocalLossOptions<T> options,
        params ReadOnlySpan<int> outputLengths)
    {
        Logits = context.Upload(logits);
        Targets = context.Upload(targets);
        Weights = options.Weights.IsEmpty ? null : context.Upload(options.Weights);
        Options = options with { Weights = default };
        outputs = new OpenClBuffer<T>?[outputLengths.Length];
        for (var i = 0; i < outputLengths.Length; i++)
            outputs[i] = context.Allocate<T>(outputLengths[i]);
    }

    public OpenClBuffer<T> Logits { get; }

    public OpenClBuffer<T> Targets { get; }

    public OpenClBuffer<T>? Weights { get; }

    /// <summary>The caller's options with the weights moved to <see cref="Weights"/>.</summary>
    public FocalLossOptions<T> Options { get; }

    public readonly OpenClBuffer<T> Output(int index) => outputs[index]!;

    public readonly void Dispose()
    {
        Logits.Dispose();
        Targets.Dispose();
        Weights?.Dispose();
        foreach (var output in outputs)
            output?.Dispose();
    }
}
