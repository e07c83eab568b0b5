using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// A device-resident array of <typeparamref name="T"/> in one <see cref="OpenClContext"/>: upload once, run many calls
/// on it, download when needed. Not thread-safe on its own; the context serializes the calls that use it.
/// </summary>
/// <typeparam name="T">float, double, <see cref="Half"/> or <see cref="BFloat16"/> for the loss operations.</typeparam>
public sealed unsafe class OpenClBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly ClHandle? memory;

    /// <summary>A view of <paramref name="length"/> elements of a caller's cl_mem from element <paramref name="offset"/>
    /// (retained while the view lives).</summary>
    internal OpenClBuffer(OpenClContext context, ClHandle memory, long offset, int length)
    {
        Context = context;
        this.memory = memory;
        Offset = offset;
        Length = length;
    }

    internal OpenClBuffer(OpenClContext context, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Context = context;
        Length = length;
        if (length == 0)
            return;
        int status;
        var handle = ClApi.Loaded.CreateBuffer(context.ContextHandle, MemFlags.ReadWrite, (nuint)length * (nuint)sizeof(T), null, &status);
        ClApi.Check(status, "clCreateBuffer");
        memory = new ClHandle(handle, ClObjectKind.Buffer);
    }

    /// <summary>The context (and so the device) the buffer lives in.</summary>
    public OpenClContext Context { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The first element's index in the underlying cl_mem (0 unless the buffer wraps a caller's memory).</summary>
    public long Offset { get; }

    /// <summary>Whether <see cref="Dispose"/> has released the device memory.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>
    /// Copies <paramref name="source"/> (exactly <see cref="Length"/> elements) to the device, after the calls enqueued
    /// before it; returns when done. An invalid input that one of those calls found in this buffer is named first, from
    /// the old contents, and reported at the next report (as <see cref="OpenClContext.Synchronize"/> does).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> has another length.</exception>
    public void Upload(ReadOnlySpan<T> source)
    {
        RequireLength(source.Length, nameof(source));
        lock (Context.Gate)
        {
            var handle = Handle(nameof(Upload));
            if (Length == 0)
                return;
            Context.PendingChecks.ResolveBeforeWriting(this);
            var (offset, size) = ((nuint)Offset * (nuint)sizeof(T), (nuint)Length * (nuint)sizeof(T));
            fixed (T* p = source)
            {
                var status = ClApi.Loaded.EnqueueWriteBuffer(Context.QueueHandle, handle, true, offset, size, p, 0, null, null);
                ClApi.Check(status, "clEnqueueWriteBuffer");
            }
        }
    }

    /// <summary>
    /// Copies the buffer into <paramref name="destination"/> after every call enqueued before it, and reports an invalid
    /// input any of those calls found (as <see cref="OpenClContext.Synchronize"/> does).
    /// </summary>
    public void Download(Span<T> destination)
    {
        RequireLength(destination.Length, nameof(destination));
        lock (Context.Gate)
        {
            Read(destination, Handle(nameof(Download)));
            Context.PendingChecks.Report();
        }
    }

    /// <summary>The buffer's contents in a new array (see <see cref="Download"/>).</summary>
    public T[] ToArray()
    {
        var result = new T[Length];
        Download(result);
        return result;
    }

    /// <summary>Releases the device memory (after the calls already enqueued on it); for a wrapped cl_mem, the view's
    /// reference to it. Never waits: while an enqueued call whose inputs are not yet known to be valid reads it as targets
    /// or weights, the memory is kept until that call is checked, so that an invalid input it found is still named.</summary>
    public void Dispose()
    {
        lock (Context.Gate)
        {
            if (IsDisposed)
                return;
            IsDisposed = true;
            Context.PendingChecks.Release(this, memory);
        }
    }

    /// <summary>The cl_mem handle (0 for an empty buffer); throws when disposed, naming <paramref name="name"/>.</summary>
    internal nint Handle(string name)
    {
        if (IsDisposed)
            throw new ObjectDisposedException(name, $"{name}: the device buffer was disposed (its memory is released).");
        return memory?.Value ?? 0;
    }

    /// <summary>The contents after every call enqueued before, without reporting their errors (for the rescan that names one).</summary>
    internal T[] ReadWithoutReport()
    {
        var result = new T[Length];
        lock (Context.Gate)
            Read(result, memory?.Value ?? 0);
        return result;
    }

    private void Read(Span<T> destination, nint handle)
    {
        if (Length == 0)
            return;
        var (offset, size) = ((nuint)Offset * (nuint)sizeof(T), (nuint)Length * (nuint)sizeof(T));
        fixed (T* p = destination)
            ClApi.Check(ClApi.Loaded.EnqueueReadBuffer(Context.QueueHandle, handle, true, offset, size, p, 0, null, null), "clEnqueueReadBuffer");
    }

    private void RequireLength(int length, string name)
    {
        if (length != Length)
            throw new ArgumentException($"{name} has {length} elements but the buffer has {Length}; they must be equal.", name);
    }
}
