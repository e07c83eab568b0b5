using System.Numerics;

namespace FocalAot.Kernels;

/// <summary>
/// The coefficients of a softmax row's dense part: c_j = Scale·α_j·(TargetShare·y_j + Uniform) (and Poly-1's
/// PolyScale·(TargetShare·y_j + Uniform)), with α_j from
/// <see cref="ClassAlpha"/> when given and y_j from <see cref="Targets"/> (soft targets) when given, else 0.
/// </summary>
internal readonly ref struct DenseCoefficients<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The row's weight times the scalar α (or 1 with a class table).</summary>
    public T Scale { get; init; }

    /// <summary>The row's weight times Poly-1's ε (no α): the coefficient of (1 - p_j)^(γ+1); 0 for none.</summary>
    public T PolyScale { get; init; }

    /// <summary>ε/C, label smoothing's share of every class.</summary>
    public T Uniform { get; init; }

    /// <summary>1 - ε, the share of the target distribution.</summary>
    public T TargetShare { get; init; }

    /// <summary>The row's target probabilities, or empty for class-index targets.</summary>
    public ReadOnlySpan<T> Targets { get; init; }

    /// <summary>One α per class in the compute type, or empty.</summary>
    public ReadOnlySpan<T> ClassAlpha { get; init; }
}
