namespace FocalAot.OpenCl;

/// <summary>
/// A host-span call's device copies (sigmoid: targets of the logits' type; softmax: class indices or probabilities):
/// inputs uploaded, outputs allocated, released together.
/// </summary>
internal ref struct HostCall<T, TTarget> : IDisposable
    where T : unmanaged
    where TTarget : unmanaged
{
    private readonly OpenClBuffer<T>?[] outputs;

    public HostCall(OpenClContext context, ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, in FocalLossOptions<T> options,
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

    public OpenClBuffer<TTarget> Targets { get; }

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
