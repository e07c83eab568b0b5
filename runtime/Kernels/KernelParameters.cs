using System.Numerics;

namespace FocalAot.Kernels;

/// <summary>Per-call scalars of the sigmoid focal kernel, already converted to the element type.</summary>
internal readonly struct KernelParameters<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <param name="alpha">α in [0, 1], or negative for no α weighting.</param>
    /// <param name="upstream">The scalar upstream gradient (1 for a plain gradient).</param>
    /// <param name="denominator">What the reduction divides the sum by (1 for none and sum).</param>
    /// <param name="polyEpsilon">Poly-1's ε (0 for the focal loss alone).</param>
    public KernelParameters(double alpha, double upstream, double denominator, double polyEpsilon = 0)
    {
        PolyEpsilon = T.CreateTruncating(polyEpsilon);

        // α_t = y·α + (1 - y)·(1 - α), as a sum of non-negative products: no cancellation for small α. Without α
        // weighting, y·1 + (1 - y)·1 is exactly 1 (SigmoidFocalElement.ClassWeight).
        var weighted = alpha >= 0;
        PositiveWeight = weighted ? T.CreateTruncating(alpha) : T.One;
        NegativeWeight = weighted ? T.CreateTruncating(1 - alpha) : T.One;

        // upstream / denominator can leave T's normal range while the gradient itself does not (a tiny normalizer or
        // weight sum overflows it, a huge one makes it subnormal): then it is applied as two factors, a power of two
        // and the rest.
        var scale = T.CreateTruncating(upstream / denominator);
        var exponent = !T.IsFinite(scale) && double.IsFinite(upstream) ? MaxExponent
            : T.IsSubnormal(scale) ? MinExponent
            : 0;
        GradientScale = exponent == 0 ? scale : T.CreateTruncating(Math.ScaleB(upstream, -exponent) / denominator);
        GradientScalePowerOfTwo = T.CreateTruncating(Math.ScaleB(1.0, exponent));
    }

    private static int MaxExponent => typeof(T) == typeof(float) ? 127 : 1023;

    private static int MinExponent => typeof(T) == typeof(float) ? -126 : -1022;

    /// <summary>α: the weight of the positive term (1 without α weighting).</summary>
    public T PositiveWeight { get; }

    /// <summary>1 - α: the weight of the negative term (1 without α weighting).</summary>
    public T NegativeWeight { get; }

    /// <summary>The scalar upstream gradient divided by the reduction's denominator (times <see cref="GradientScalePowerOfTwo"/>).</summary>
    public T GradientScale { get; }

    /// <summary>1, or a power of two when <see cref="GradientScale"/> alone would overflow.</summary>
    public T GradientScalePowerOfTwo { get; }

    /// <summary>Poly-1's ε: the weight of (1 - p_t)^(γ+1) in the loss; 0 for none.</summary>
    public T PolyEpsilon { get; }

    /// <summary>Whether a block of finite logits can take the common algebra pass: one scale factor, and no Poly-1 term.</summary>
    public bool FitsCommonBlock => GradientScalePowerOfTwo == T.One && PolyEpsilon == T.Zero;
}
