namespace FocalAot.Demo;

/// <summary>The kind of remedy for imbalance a <see cref="TrainingMethod"/> applies.</summary>
internal enum MethodFamily
{
    /// <summary>Plain cross-entropy.</summary>
    CrossEntropy,

    /// <summary>Cross-entropy with per-class weights.</summary>
    ClassWeighting,

    /// <summary>Cross-entropy on a rebalanced training set.</summary>
    Resampling,

    /// <summary>Focal loss with a fixed γ.</summary>
    Focal,

    /// <summary>FLSD-53: focal loss with γ chosen per sample.</summary>
    SampleDependentFocal,

    /// <summary>Poly-1: cross-entropy plus ε·(1 − p_t).</summary>
    Poly,
}

/// <summary>
/// One way to train on imbalanced data: the focal-loss kernel's settings (γ = 0 with α off is cross-entropy), and
/// optionally class weights (per-element <c>Weights</c> of the kernel) or a resampled training set.
/// </summary>
/// <param name="Name">The name the tables and charts show.</param>
/// <param name="Family">The kind of remedy.</param>
internal sealed record TrainingMethod(string Name, MethodFamily Family)
{
    /// <summary>The focusing parameter γ; 0 gives cross-entropy. Unused by FLSD-53.</summary>
    public double Gamma { get; init; }

    /// <summary>The kernel's α for the minority class, or negative for no α weighting (the default).</summary>
    public double Alpha { get; init; } = -1;

    /// <summary>Per-class weights, passed to the kernel as one weight per element.</summary>
    public ClassWeighting Weighting { get; init; }

    /// <summary>How the training set is rebalanced.</summary>
    public ResamplingKind Resampling { get; init; }

    /// <summary>FLSD-53: γ = 5 where p_t &lt; 0.2, else 3.</summary>
    public bool SampleDependentGamma { get; init; }

    /// <summary>Poly-1's ε (0 for none).</summary>
    public double PolyEpsilon { get; init; }

    /// <summary>Whether the kernel weights the classes by <see cref="Alpha"/>.</summary>
    public bool HasAlpha => Alpha >= 0;

    /// <summary>
    /// The kernel's options for one mini-batch: this method's settings, the batch's per-element weights (empty for
    /// none) and the mean over the batch.
    /// </summary>
    public FocalLossOptions<float> KernelOptions(ReadOnlySpan<float> weights)
        => SampleDependentGamma
            // The kernel takes γ from each sample's p_t and rejects an explicit Gamma alongside.
            ? new() { SampleDependentGamma = true, Alpha = Alpha, Weights = weights, Reduction = FocalReduction.Mean }
            : new()
            {
                Gamma = Gamma, Alpha = Alpha, PolyEpsilon = PolyEpsilon, Weights = weights, Reduction = FocalReduction.Mean,
            };
}
