using System.Runtime.InteropServices;
using FocalAot.OpenCl;

namespace FocalAot.Native;

/// <summary>focal_cl_buffer as laid out by focal_aot.h: a caller's cl_mem (or NULL) and a first element.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ClBufferArgument
{
    public void* Memory;
    public nuint Offset;
}

/// <summary>
/// The views of one focal_cl_* call over the caller's cl_mem buffers: each argument wrapped as n elements from its
/// offset, checked against the header's rules (present where required, no output shifted over an input or over the
/// targets or weights at all, outputs apart), and released together once the call is enqueued (OpenCL keeps the memory
/// of enqueued commands alive).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
internal sealed unsafe class ClBufferViews<T>(OpenClContext context, int length) : IDisposable
    where T : unmanaged
{
    /// <summary>Element offsets above this are beyond any buffer (and keep the byte arithmetic far from overflow).</summary>
    private const ulong MaxOffset = long.MaxValue / 16;

    private readonly List<OpenClBuffer<T>> views = [];
    private readonly List<(nint Memory, ulong Offset, string Name, bool ReadWholly)> inputs = [];
    private readonly List<(nint Memory, ulong Offset, string Name)> outputs = [];

    /// <summary>A required input: NULL only when n is 0.</summary>
    public OpenClBuffer<T> Input(ClBufferArgument argument, string name, bool mustStayUnwritten = false)
    {
        var view = View(argument, name);
        inputs.Add(((nint)argument.Memory, argument.Offset, name, mustStayUnwritten));
        return view;
    }

    /// <summary>An optional input (weights, a per-element grad_out): absent when its cl_mem is NULL.</summary>
    public OpenClBuffer<T>? Optional(ClBufferArgument argument, string name, bool mustStayUnwritten = false)
        => argument.Memory == null ? null : Input(argument, name, mustStayUnwritten);

    /// <summary>A required output: NULL only when n is 0; in place over an input that may be written, else apart from it.</summary>
    public OpenClBuffer<T> Output(ClBufferArgument argument, string name)
    {
        var view = View(argument, name);
        var memory = (nint)argument.Memory;
        foreach (var input in inputs)
        {
            if (!Overlap(memory, argument.Offset, input.Memory, input.Offset))
                continue;
            if (input.ReadWholly)
            {
                throw new ArgumentException(
                    $"{name} must not overlap {input.Name}: an invalid target or weight is named after the pass, from the " +
                    "inputs (in place over logits or grad_out is allowed).", name);
            }

            if (argument.Offset != input.Offset)
                throw new ArgumentException($"{name} must not partially overlap {input.Name} (in place is allowed).", name);
        }

        foreach (var output in outputs)
        {
            if (Overlap(memory, argument.Offset, output.Memory, output.Offset))
                throw new ArgumentException($"{name} must not overlap {output.Name}.", name);
        }

        outputs.Add((memory, argument.Offset, name));
        return view;
    }

    /// <summary>Releases the views (the caller's cl_mem stays the caller's; enqueued commands keep what they use).</summary>
    public void Dispose()
    {
        foreach (var view in views)
            view.Dispose();
        views.Clear();
    }

    private OpenClBuffer<T> View(ClBufferArgument argument, string name)
    {
        if (argument.Memory == null)
        {
            if (length > 0)
                throw new NullArgumentPointerException($"{name}.mem", $"{name}.mem is NULL but must be a cl_mem (n is positive).");
            views.Add(context.Allocate<T>(0)); // n = 0: no memory is touched
            return views[^1];
        }

        if (argument.Offset > MaxOffset)
            throw new ArgumentOutOfRangeException($"{name}.offset", argument.Offset, $"{name}.offset is beyond any OpenCL buffer.");
        try
        {
            views.Add(context.Wrap<T>((nint)argument.Memory, (long)argument.Offset, length));
        }
        catch (ArgumentException exception) when (exception.ParamName == "memory")
        {
            // The runtime's message names its parameter ("memory ..."): name the C argument instead.
            var message = exception.Message.Replace(" (Parameter 'memory')", string.Empty, StringComparison.Ordinal);
            if (message.StartsWith("memory", StringComparison.Ordinal))
                message = $"{name}.mem{message["memory".Length..]}";
            throw new ArgumentException(message, $"{name}.mem");
        }

        return views[^1];
    }

    private bool Overlap(nint memory, ulong offset, nint otherMemory, ulong otherOffset)
        => length > 0 && memory != 0 && memory == otherMemory && offset < otherOffset + (ulong)length && otherOffset < offset + (ulong)length;
}
