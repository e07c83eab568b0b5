using System.Runtime.InteropServices;

namespace FocalAot.Native;

/// <summary>
/// The CPU entries' overlap rules, with their messages, for the host-memory device entries: a device call stages its
/// inputs before it writes any output, so it would compute what the CPU refuses; it refuses the same calls instead.
/// The messages name the C arguments (out, loss, grad_logits, logits, targets, grad_out, options->weights).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
internal static class HostOverlapRules
{
    /// <summary>An output may be in place over logits, targets or upstream, but not shifted; it must not touch the weights
    /// or class alphas.</summary>
    public static void RequireOutput<T>(
        Span<T> output, string name, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, in FocalLossOptions<T> options,
        ReadOnlySpan<T> upstream = default)
        where T : unmanaged
    {
        RequireNoPartialOverlap(output, logits, name, "logits");
        RequireNoPartialOverlap(output, targets, name, "targets");
        RequireNoPartialOverlap(output, upstream, name, "grad_out");
        if (output.Overlaps(options.Weights))
            throw new ArgumentException($"{name} must not overlap options->weights.", name);
        if (MemoryMarshal.AsBytes(output).Overlaps(MemoryMarshal.AsBytes(options.ClassAlpha)))
            throw new ArgumentException($"{name} must not overlap options->class_alpha.", name);
    }

    /// <summary>
    /// A softmax output: the gradient may be written over the logits (exactly, in place), but no output may touch any
    /// other input (targets, grad_out, options->weights, options->class_alpha).
    /// </summary>
    public static void RequireSoftmaxOutput<T>(
        Span<T> output, string name, ReadOnlySpan<T> logits, ReadOnlySpan<byte> targets, in FocalLossOptions<T> options,
        bool inPlaceOverLogits, ReadOnlySpan<T> upstream = default)
        where T : unmanaged
    {
        if (output.Overlaps(logits, out var offset) && (!inPlaceOverLogits || offset != 0 || output.Length != logits.Length))
        {
            throw new ArgumentException(inPlaceOverLogits
                ? $"{name} must not partially overlap logits (in place is allowed)." : $"{name} must not overlap logits.", name);
        }

        if (MemoryMarshal.AsBytes(output).Overlaps(targets))
            throw new ArgumentException($"{name} must not overlap targets.", name);
        if (output.Overlaps(upstream))
            throw new ArgumentException($"{name} must not overlap grad_out.", name);
        if (output.Overlaps(options.Weights))
            throw new ArgumentException($"{name} must not overlap options->weights.", name);
        if (MemoryMarshal.AsBytes(output).Overlaps(MemoryMarshal.AsBytes(options.ClassAlpha)))
            throw new ArgumentException($"{name} must not overlap options->class_alpha.", name);
    }

    /// <summary>The per-element losses (loss) and the gradient (grad_logits) of a fused call are two outputs.</summary>
    public static void RequireApart<T>(Span<T> losses, Span<T> gradient)
        where T : unmanaged
    {
        if (losses.Overlaps(gradient))
            throw new ArgumentException("grad_logits must not overlap loss.", "grad_logits");
    }

    private static void RequireNoPartialOverlap<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
        where T : unmanaged
    {
        if (output.Overlaps(input, out var offset) && offset != 0)
            throw new ArgumentException($"{outputName} must not partially overlap {inputName} (in place is allowed).", outputName);
    }
}
