using System.Runtime.InteropServices;

namespace FocalAot.Native;

/// <summary>
/// The CPU entries' overlap rules, with their messages, for the host-memory device entries: a device call stages its
/// inputs before it writes any output, so it would compute what the CPU refuses; it refuses the same calls instead.
/// </summary>
internal static class HostOverlapRules
{
    /// <summary>An output may be in place over logits, targets or upstream, but not shifted; it must not touch the weights
    /// or class alphas.</summary>
    public static void RequireOutput<T>(
        Span<T> output, string name, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, in FocalLossOptions<T> options,
        ReadOnlySpan<T> upstream = default)
        where T : unmanaged
    {
        RequireNoPartialOverlap(output, logits, name, nameof(logits));
        RequireNoPartialOverlap(output, targets, name, nameof(targets));
        RequireNoPartialOverlap(output, upstream, name, nameof(upstream));
        if (output.Overlaps(options.Weights))
            throw new ArgumentException($"{name} must not overlap weights.", name);
        if (MemoryMarshal.AsBytes(output).Overlaps(MemoryMarshal.AsBytes(options.ClassAlpha)))
            throw new ArgumentException($"{name} must not overlap classAlpha.", name);
    }

    /// <summary>The per-element losses and the gradient of a fused call are two outputs.</summary>
    public static void RequireApart<T>(Span<T> losses, Span<T> gradient)
        where T : unmanaged
    {
        if (losses.Overlaps(gradient))
            throw new ArgumentException("gradient must not overlap losses.", nameof(gradient));
    }

    private static void RequireNoPartialOverlap<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
        where T : unmanaged
    {
        if (output.Overlaps(input, out var offset) && offset != 0)
            throw new ArgumentException($"{outputName} must not partially overlap {inputName} (in place is allowed).", outputName);
    }
}
