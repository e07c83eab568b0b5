using System.Numerics;

namespace FocalAot.Kernels;

/// <summary>Per-call scalars of the sigmoid focal kernel, already converted to the element type.</summary>
internal readonly struct KernelParameters<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public KernelParameters(double alpha, double gradientScale)
    {
        // α_t = α y + (1 - α)(1 - y) = (1 - α) + (2α - 1) y; α < 0 switches weighting off (α_t = 1).
        AlphaSlope = alpha < 0 ? T.Zero : T.CreateTruncating(2 * alpha - 1);
        AlphaIntercept = alpha < 0 ? T.One : T.CreateTruncating(1 - alpha);
        GradientScale = T.CreateTruncating(gradientScale);
    }

    public T AlphaSlope { get; }

    public T AlphaIntercept { get; }

    /// <summary>The scalar upstream gradient, already divided by the reduction's denominator.</summary>
    public T GradientScale { get; }
}
