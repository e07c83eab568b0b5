namespace FocalAot.Peers;

/// <summary>FocalAot's public API: <see cref="SigmoidFocalLoss.Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, FocalLossOptions{T})"/>
/// and <see cref="SigmoidFocalLoss.ForwardBackward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, FocalLossOptions{T})"/>.</summary>
internal sealed class FocalAotPeer : IPeer
{
    public string Id => "focalaot-dotnet";

    public string Label => "FocalAot .NET";

    public bool AllocatesNatively => false;

    public void SetThreads(int threads) => FocalRuntime.MaxDegreeOfParallelism = threads;

    public IBoundPeer Bind(PeerInputs inputs) => new Bound(inputs);

    public void Evaluate(PeerInputs inputs, Span<float> losses, Span<float> gradients)
    {
        SigmoidFocalLoss.Forward<float>(inputs.Logits, inputs.Targets, losses, Options(FocalReduction.None));
        SigmoidFocalLoss.Backward<float>(inputs.Logits, inputs.Targets, 1f, gradients, Options(FocalReduction.Sum));
    }

    private static FocalLossOptions<float> Options(FocalReduction reduction)
        => new() { Gamma = 2, Alpha = 0.25, Reduction = reduction };

    private sealed class Bound(PeerInputs inputs) : IBoundPeer
    {
        private readonly float[] gradient = new float[inputs.Count];

        public float Forward() => SigmoidFocalLoss.Forward<float>(inputs.Logits, inputs.Targets, Options(FocalReduction.Mean));

        public float Fused() => SigmoidFocalLoss.ForwardBackward<float>(inputs.Logits, inputs.Targets, gradient, Options(FocalReduction.Mean));

        public void Dispose()
        {
        }
    }
}
