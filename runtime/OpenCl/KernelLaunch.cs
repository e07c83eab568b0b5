namespace FocalAot.OpenCl;

/// <summary>Sets a kernel's arguments in order, then enqueues it over a global size rounded up to a work-group multiple.</summary>
internal unsafe ref struct KernelLaunch(nint kernel, string name)
{
    private const int GlobalMultiple = 256;
    private uint index;

    /// <summary>A buffer argument; 0 passes NULL (an optional input or output the kernel tests for).</summary>
    public KernelLaunch Buffer(nint memory)
    {
        ClApi.Check(ClApi.Loaded.SetKernelArg(kernel, index, (nuint)sizeof(nint), &memory), $"clSetKernelArg({name}, {index})");
        index++;
        return this;
    }

    public KernelLaunch Value<TValue>(TValue value)
        where TValue : unmanaged
    {
        ClApi.Check(ClApi.Loaded.SetKernelArg(kernel, index, (nuint)sizeof(TValue), &value), $"clSetKernelArg({name}, {index})");
        index++;
        return this;
    }

    /// <summary>Enqueues <paramref name="items"/> work items (the kernels ignore those past their range).</summary>
    public readonly void Enqueue(nint queue, long items)
    {
        var global = (nuint)((items + GlobalMultiple - 1) / GlobalMultiple * GlobalMultiple);
        ClApi.Check(ClApi.Loaded.EnqueueNdrangeKernel(queue, kernel, 1, null, &global, null, 0, null, null), $"clEnqueueNDRangeKernel({name})");
    }
}
