using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Drivers;

/// <summary>
/// One call's data as pinned pointers (so that worker threads can share it), in the storage type
/// <typeparamref name="TStorage"/>, with the per-call scalars in the compute type <typeparamref name="T"/>.
/// </summary>
internal readonly unsafe struct KernelArguments<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public required TStorage* Logits { get; init; }

    public required TStorage* Targets { get; init; }

    /// <summary>Per-element upstream gradient; null unless the mode scales by a span.</summary>
    public TStorage* Upstream { get; init; }

    /// <summary>Per-element weights; null for none.</summary>
    public TStorage* Weights { get; init; }

    /// <summary>Per-class α (element i has class i mod <see cref="ClassCount"/>); null for one α for all.</summary>
    public double* ClassAlpha { get; init; }

    /// <summary>The length of <see cref="ClassAlpha"/>.</summary>
    public int ClassCount { get; init; }

    /// <summary>Per-element losses; null when the losses are summed instead of stored.</summary>
    public TStorage* Losses { get; init; }

    /// <summary>Gradient output; null unless the mode computes a gradient.</summary>
    public TStorage* Gradient { get; init; }

    public required long Length { get; init; }

    public required KernelParameters<T> Parameters { get; init; }

    /// <summary>True when losses are summed (canonically) rather than stored.</summary>
    public bool Reduce => Losses == null;

    /// <summary>
    /// True when the call runs the kernels' weighted variant: α or a weight varies per element, or Poly-1's term is on
    /// (only that variant computes it, so the plain kernels hold no registers for it).
    /// </summary>
    public bool RunsWeightedVariant => Weights != null || ClassAlpha != null || Parameters.PolyEpsilon != T.Zero;
}
