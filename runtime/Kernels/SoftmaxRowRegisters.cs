namespace FocalAot.Kernels;

/// <summary>The constants every class of a softmax row shares, as registers of one width (or symbols).</summary>
internal readonly struct SoftmaxRowRegisters<TVec>(TVec max, TVec clampDistance, TVec inverseZ, TVec logZ, TVec maxComplement, TVec gamma)
    where TVec : struct
{
    /// <summary>m, the row's largest logit.</summary>
    public TVec Max { get; } = max;

    /// <summary>The distance below m beyond which exp is 0.</summary>
    public TVec ClampDistance { get; } = clampDistance;

    public TVec InverseZ { get; } = inverseZ;

    public TVec LogZ { get; } = logZ;

    /// <summary>q = 1 - p of a class at the maximum.</summary>
    public TVec MaxComplement { get; } = maxComplement;

    /// <summary>The row's γ (FLSD-53 chooses per class instead).</summary>
    public TVec Gamma { get; } = gamma;
}
