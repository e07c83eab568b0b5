namespace FocalAot.Kernels;

/// <summary>
/// What a block's logits may hold, known from its exp pass before the algebra pass runs: a block of finite logits (nearly
/// every block) runs an algebra pass without the clamp and the repair that infinite and NaN logits need.
/// </summary>
internal interface ILogitRange
{
    static abstract bool MayBeNonFinite { get; }
}

/// <summary>Every logit of the block is finite.</summary>
internal readonly struct FiniteLogits : ILogitRange
{
    public static bool MayBeNonFinite => false;
}

/// <summary>Some logit of the block may be infinite or NaN.</summary>
internal readonly struct AnyLogits : ILogitRange
{
    public static bool MayBeNonFinite => true;
}
