namespace FocalAot.Peers;

/// <summary>The loss and its gradient composed of System.Numerics.Tensors.TensorPrimitives operations (<see cref="CompositeFocalLoss"/>).</summary>
/// <remarks>
/// TensorPrimitives runs on the calling thread only, so the thread setting changes nothing: the rows of every thread count
/// time the same single-threaded code, reported for the table's sake.
/// </remarks>
internal sealed class TensorPrimitivesPeer : IPeer
{
    public string Id => "tensorprimitives";

    public string Label => "TensorPrimitives";

    public bool AllocatesNatively => false;

    public void SetThreads(int threads)
    {
    }

    public IBoundPeer Bind(PeerInputs inputs) => new Bound(inputs);

    public void Evaluate(PeerInputs inputs, Span<float> losses, Span<float> gradients)
    {
        var composite = new CompositeFocalLoss(inputs.Count);
        composite.LossesAndGradientOfSum(inputs.Logits, inputs.Targets);
        composite.Losses.CopyTo(losses);
        composite.Gradient.CopyTo(gradients);
    }

    private sealed class Bound(PeerInputs inputs) : IBoundPeer
    {
        private readonly CompositeFocalLoss composite = new(inputs.Count);

        public float Forward() => composite.Forward(inputs.Logits, inputs.Targets);

        public float Fused() => composite.ForwardBackward(inputs.Logits, inputs.Targets);

        public void Dispose()
        {
        }
    }
}
