using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Drivers;

/// <summary>One call's data, as pinned pointers so that worker threads can share it.</summary>
internal readonly unsafe struct KernelArguments<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public required T* Logits { get; init; }

    public required T* Targets { get; init; }

    /// <summary>Per-element upstream gradient; null unless the mode scales by a span.</summary>
    public T* Upstream { get; init; }

    /// <summary>Per-element losses; null when the losses are summed instead of stored.</summary>
    public T* Losses { get; init; }

    /// <summary>Gradient output; null unless the mode computes a gradient.</summary>
    public T* Gradient { get; init; }

    public required long Length { get; init; }

    public required KernelParameters<T> Parameters { get; init; }

    /// <summary>True when losses are summed (canonically) rather than stored.</summary>
    public bool Reduce => Losses == null;
}
