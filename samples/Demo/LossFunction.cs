namespace FocalAot.Demo;

/// <summary>One setting of the sigmoid focal loss kernel's parameters, with the name the report shows.</summary>
internal sealed record LossFunction(string Name, double Gamma, double Alpha)
{
    /// <summary>Binary cross-entropy: γ = 0 drops the focusing term; a negative α turns class weighting off.</summary>
    public static LossFunction CrossEntropy { get; } = new("BCE (γ=0)", Gamma: 0, Alpha: -1);

    /// <summary>Focal loss with the RetinaNet / torchvision defaults.</summary>
    public static LossFunction Focal { get; } =
        new("Focal (γ=2, α=0.25)", SigmoidFocalLoss.DefaultGamma, SigmoidFocalLoss.DefaultAlpha);

    /// <summary>The kernel's options for a training step: this γ and α, the loss averaged over the batch.</summary>
    public FocalLossOptions<float> MeanOptions => new() { Gamma = Gamma, Alpha = Alpha, Reduction = FocalReduction.Mean };
}
