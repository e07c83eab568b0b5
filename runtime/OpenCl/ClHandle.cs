using System.Runtime.InteropServices;

namespace FocalAot.OpenCl;

/// <summary>What an OpenCL handle is, so it is released by the matching clRelease call.</summary>
internal enum ClObjectKind
{
    Context,
    CommandQueue,
    Program,
    Kernel,
    Buffer,
    Event,
}

/// <summary>One OpenCL object: released once, by its kind's clRelease*, when disposed or finalized.</summary>
internal sealed class ClHandle : SafeHandle
{
    private readonly ClObjectKind kind;

    public ClHandle(nint handle, ClObjectKind kind)
        : base(0, ownsHandle: true)
    {
        this.kind = kind;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw cl_* handle (valid while this object is alive and not disposed).</summary>
    public nint Value => IsClosed ? throw new ObjectDisposedException(kind.ToString()) : handle;

    protected override bool ReleaseHandle()
    {
        var api = ClApi.Instance;
        if (api is null)
            return false;
        var status = kind switch
        {
            ClObjectKind.Context => api.ReleaseContext(handle),
            ClObjectKind.CommandQueue => api.ReleaseCommandQueue(handle),
            ClObjectKind.Program => api.ReleaseProgram(handle),
            ClObjectKind.Kernel => api.ReleaseKernel(handle),
            ClObjectKind.Event => api.ReleaseEvent(handle),
            _ => api.ReleaseMemObject(handle),
        };
        return status == 0;
    }
}
