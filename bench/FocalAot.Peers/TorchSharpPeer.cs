using TorchSharp;
using static TorchSharp.torch;

namespace FocalAot.Peers;

/// <summary>
/// TorchVision for TorchSharp: <c>torchvision.ops.sigmoid_focal_loss</c> on LibTorch's CPU build, then <c>backward()</c>
/// for the fused operation. The overload whose α and γ are doubles: the one with floats reduces the cross-entropy
/// before weighting it (TorchVision 0.107.0) and returns a wrong mean.
/// </summary>
internal sealed class TorchSharpPeer : IPeer
{
    private const double Alpha = 0.25;
    private const double Gamma = 2.0;

    public string Id => "torchsharp";

    public string Label => "TorchSharp";

    public bool AllocatesNatively => true;

    public void SetThreads(int threads) => torch.set_num_threads(threads);

    public IBoundPeer Bind(PeerInputs inputs) => new Bound(inputs);

    public void Evaluate(PeerInputs inputs, Span<float> losses, Span<float> gradients)
    {
        using var scope = torch.NewDisposeScope();
        var targets = torch.tensor(inputs.Targets);
        using (torch.no_grad())
        {
            var loss = torchvision.ops.sigmoid_focal_loss(torch.tensor(inputs.Logits), targets, Alpha, Gamma, nn.Reduction.None);
            loss.data<float>().CopyTo(losses);
        }

        var logits = torch.tensor(inputs.Logits).requires_grad_(true);
        torchvision.ops.sigmoid_focal_loss(logits, targets, Alpha, Gamma, nn.Reduction.Sum).backward();
        logits.grad!.data<float>().CopyTo(gradients);
    }

    /// <summary>The tensors are made once, outside the timed calls; each call disposes its temporaries.</summary>
    private sealed class Bound : IBoundPeer
    {
        private readonly Tensor logits;
        private readonly Tensor trainableLogits;
        private readonly Tensor targets;

        public Bound(PeerInputs inputs)
        {
            logits = torch.tensor(inputs.Logits);
            trainableLogits = torch.tensor(inputs.Logits).requires_grad_(true);
            targets = torch.tensor(inputs.Targets);
        }

        public float Forward()
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return torchvision.ops.sigmoid_focal_loss(logits, targets, Alpha, Gamma, nn.Reduction.Mean).item<float>();
        }

        public float Fused()
        {
            using var scope = torch.NewDisposeScope();
            // What a training step pays: the previous gradient cleared (PyTorch's zero_grad(set_to_none=True)), the
            // loss, backward() and the loss read back.
            trainableLogits.grad = null;
            var loss = torchvision.ops.sigmoid_focal_loss(trainableLogits, targets, Alpha, Gamma, nn.Reduction.Mean);
            loss.backward();
            return loss.item<float>();
        }

        public void Dispose()
        {
            logits.Dispose();
            trainableLogits.Dispose();
            targets.Dispose();
        }
    }
}
