namespace FocalAot.Kernels;

/// <summary>
/// What a block's algebra pass must handle beyond the common case, known before it runs. Nearly every block has finite
/// logits (its exp pass tells) and a call's gradient scale that is one factor in range (<see cref="KernelParameters{T}"/>),
/// and runs a pass without the clamp and repair of infinite and NaN logits and without the power-of-two factor. The
/// general pass gives those blocks the same bits: the clamp and repair leave finite lanes as they are, and the power of
/// two is then 1.
/// </summary>
internal interface IAlgebraVariant
{
    /// <summary>Some logit of the block may be infinite or NaN.</summary>
    static abstract bool MayBeNonFinite { get; }

    /// <summary>The gradient scale may need its power-of-two factor (<see cref="KernelParameters{T}.GradientScalePowerOfTwo"/> ≠ 1).</summary>
    static abstract bool SplitsGradientScale { get; }
}

/// <summary>Every logit of the block is finite and the gradient scale is one factor.</summary>
internal readonly struct CommonBlock : IAlgebraVariant
{
    public static bool MayBeNonFinite => false;

    public static bool SplitsGradientScale => false;
}

/// <summary>Any block: logits of any value, and a gradient scale in two factors.</summary>
internal readonly struct GeneralBlock : IAlgebraVariant
{
    public static bool MayBeNonFinite => true;

    public static bool SplitsGradientScale => true;
}
