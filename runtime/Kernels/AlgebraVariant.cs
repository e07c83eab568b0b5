namespace FocalAot.Kernels;

/// <summary>
/// What a block's algebra pass must handle beyond the common case, known before it runs. Nearly every block has finite
/// logits (its exp pass tells), a call's gradient scale that is one factor in range (<see cref="KernelParameters{T}"/>)
/// and no Poly-1 term, and runs a pass without the clamp and repair of infinite and NaN logits, without the power-of-two
/// factor and without Poly-1's code. The general pass gives those blocks the same bits: the clamp and repair leave
/// finite lanes as they are, the power of two is then 1, and ε is 0.
/// </summary>
internal interface IAlgebraVariant
{
    /// <summary>Some logit of the block may be infinite or NaN.</summary>
    static abstract bool MayBeNonFinite { get; }

    /// <summary>The gradient scale may need its power-of-two factor (<see cref="KernelParameters{T}.GradientScalePowerOfTwo"/> ≠ 1).</summary>
    static abstract bool SplitsGradientScale { get; }

    /// <summary>
    /// The call may add Poly-1's term (ε ≠ 0, in the weighted modes). Left out of the common pass, so that the weighted
    /// calls without it test for it nowhere in their loop.
    /// </summary>
    static abstract bool MayAddPolyTerm { get; }
}

/// <summary>Every logit of the block is finite, the gradient scale is one factor, and there is no Poly-1 term.</summary>
internal readonly struct CommonBlock : IAlgebraVariant
{
    public static bool MayBeNonFinite => false;

    public static bool SplitsGradientScale => false;

    public static bool MayAddPolyTerm => false;
}

/// <summary>Any block: logits of any value, a gradient scale in two factors, and Poly-1.</summary>
internal readonly struct GeneralBlock : IAlgebraVariant
{
    public static bool MayBeNonFinite => true;

    public static bool SplitsGradientScale => true;

    public static bool MayAddPolyTerm => true;
}
