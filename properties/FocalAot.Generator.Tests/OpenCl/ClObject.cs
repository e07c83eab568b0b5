using System.Runtime.InteropServices;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>One OpenCL object (context, queue, program, kernel, buffer), released exactly once by its clRelease* function.</summary>
internal sealed class ClObject : SafeHandle
{
    private readonly Func<nint, int> release;

    public ClObject(nint handle, Func<nint, int> release, string what)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        if (handle == IntPtr.Zero)
            throw new InvalidOperationException($"OpenCL returned no {what}.");
        this.release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw handle, for calls made while this object is alive.</summary>
    public nint Handle => DangerousGetHandle();

    protected override bool ReleaseHandle() => release(handle) == 0;
}
