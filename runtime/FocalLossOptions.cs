namespace FocalAot;

/// <summary>
/// Every per-call input of a focal-loss operation besides the data: γ, α (off, one scalar, or one per class), optional
/// per-element weights, and the reduction. <c>default</c> and <c>new()</c> are torchvision's defaults: γ = 2, α = 0.25,
/// no weights, reduction none.
/// </summary>
/// <typeparam name="T">The element type of the call (<see cref="float"/>, <see cref="double"/>, <see cref="Half"/>,
/// <see cref="BFloat16"/>): the type of the weights.</typeparam>
/// <remarks>
/// A <c>ref struct</c>, so that the weights and the per-class α can be spans (of arrays, stack memory or native
/// buffers) and a call allocates nothing. Properties left unset keep their defaults.
/// </remarks>
public readonly ref struct FocalLossOptions<T>
    where T : unmanaged
{
    /// <summary>torchvision's default γ.</summary>
    public const double DefaultGamma = 2.0;

    /// <summary>torchvision's default α.</summary>
    public const double DefaultAlpha = 0.25;

    /// <summary>torch's default <c>ignore_index</c>.</summary>
    public const long DefaultIgnoreIndex = -100;

    private readonly double gamma;
    private readonly double alpha;
    private readonly bool gammaSet;
    private readonly bool alphaSet;
    private readonly long ignoreIndex;
    private readonly bool ignoreIndexSet;

    /// <summary>Options with every default (the same as <c>default</c>).</summary>
    public FocalLossOptions()
    {
    }

    /// <summary>The focusing parameter γ: finite, ≥ 0 and ≤ 10⁶. 0 is binary cross-entropy. Default 2.</summary>
    public double Gamma
    {
        get => gammaSet ? gamma : DefaultGamma;
        init => (gamma, gammaSet) = (value, true);
    }

    /// <summary>
    /// The class balance α in [0, 1] (α_t = α·y + (1 - α)·(1 - y)), or negative for no α weighting. Default 0.25.
    /// Ignored when <see cref="ClassAlpha"/> is given.
    /// </summary>
    public double Alpha
    {
        get => alphaSet ? alpha : DefaultAlpha;
        init => (alpha, alphaSet) = (value, true);
    }

    /// <summary>
    /// One α per class for a row-major [N, C] multi-label layout: element i belongs to class i mod C, where C is the
    /// length of this span. Each α in [0, 1]. Empty (the default) uses <see cref="Alpha"/> for every element.
    /// </summary>
    public ReadOnlySpan<double> ClassAlpha { get; init; }

    /// <summary>
    /// One weight per element (as many as the logits), each finite and ≥ 0, multiplying that element's loss and
    /// gradient. Weight 0 ignores an element: its loss and gradient are exactly 0 whatever its logit. Empty (the
    /// default) weighs every element 1.
    /// </summary>
    public ReadOnlySpan<T> Weights { get; init; }

    /// <summary>
    /// Label smoothing ε in [0, 1] for <see cref="SoftmaxFocalLoss"/>, as torch's <c>cross_entropy(label_smoothing=)</c>
    /// defines it: the target distribution becomes (1 - ε)·target + ε/C. Default 0. The sigmoid form has no class
    /// distribution to smooth and rejects any other value.
    /// </summary>
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// FLSD-53 (Mukhoti et al., 2020): γ = 5 where the probability is below 0.2 (1 − p &gt; 0.8), else γ = 3, in place of
    /// <see cref="Gamma"/> (which must then be left unset). <see cref="SoftmaxFocalLoss"/> chooses per class (for a
    /// class-index target, per sample from p_t); <see cref="SigmoidFocalLoss"/> per element from p_t. The calibration
    /// variant of focal loss; the gradient treats each γ as a constant. Default false.
    /// </summary>
    public bool SampleDependentGamma { get; init; }

    /// <summary>
    /// Poly-1 focal loss's ε (Leng et al., 2022), the weight of the first polynomial term of the focal loss's expansion;
    /// finite and ≥ −1, default 0 (the focal loss). <see cref="SoftmaxFocalLoss"/>: each class's term adds
    /// ε·w·y′_j·(1 − p_j)^(γ+1); <see cref="SigmoidFocalLoss"/>: each element adds ε·w·(1 − p_t)^(γ+1). No α in either.
    /// </summary>
    public double PolyEpsilon { get; init; }

    /// <summary>
    /// The class index that marks a sample to ignore, for <see cref="SoftmaxFocalLoss"/> with class-index targets: its
    /// loss and gradient are 0 and it does not count in a mean. Default -100, torch's <c>ignore_index</c>.
    /// </summary>
    public long IgnoreIndex
    {
        get => ignoreIndexSet ? ignoreIndex : DefaultIgnoreIndex;
        init => (ignoreIndex, ignoreIndexSet) = (value, true);
    }

    /// <summary>How the per-element losses are combined. Default <see cref="FocalReduction.None"/>.</summary>
    public FocalReduction Reduction { get; init; }

    /// <summary>
    /// Runs the generic kernel (q^γ = exp(γ·log q) in double precision) even where a specialization of γ is built in:
    /// for comparing the two in benchmarks and tests. The results agree within the accuracy bounds, not bit for bit.
    /// Default false. γ = 0 has no power to compute and always runs its own kernel.
    /// </summary>
    public bool ForceGenericKernel { get; init; }

    /// <summary>Whether <see cref="Gamma"/> was given explicitly (a specialized kernel checks it against its own γ).</summary>
    internal bool HasGamma => gammaSet;
}
