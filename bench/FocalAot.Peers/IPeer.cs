namespace FocalAot.Peers;

/// <summary>One way of computing sigmoid focal loss (γ = 2, α = 0.25, float32) that the harness times.</summary>
internal interface IPeer
{
    /// <summary>The peer's id in the rows and the accuracy file's name, e.g. "focalaot-dotnet".</summary>
    string Id { get; }

    /// <summary>The peer's name in the table, e.g. "FocalAot .NET".</summary>
    string Label { get; }

    /// <summary>Whether the peer allocates native memory that the GC cannot see (its count is null without the malloc counter).</summary>
    bool AllocatesNatively { get; }

    /// <summary>Sets how many threads the peer's calls may use.</summary>
    void SetThreads(int threads);

    /// <summary>Prepares calls on these inputs: whatever a caller makes once and reuses (tensors, scratch, outputs).</summary>
    IBoundPeer Bind(PeerInputs inputs);

    /// <summary>Per-element losses (reduction none) and the gradient of their sum (upstream gradient 1), for the accuracy dump.</summary>
    void Evaluate(PeerInputs inputs, Span<float> losses, Span<float> gradients);
}

/// <summary>A peer's calls on one set of inputs: each returns the mean loss.</summary>
internal interface IBoundPeer : IDisposable
{
    /// <summary>The mean loss.</summary>
    float Forward();

    /// <summary>The mean loss and its gradient with respect to the logits.</summary>
    float Fused();
}
