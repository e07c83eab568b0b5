using System.Text;
using Silk.NET.OpenCL;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// The first OpenCL device of the machine (one with fp64 preferred), with a context and an in-order queue. Discovery
/// never throws: with no OpenCL library, platform or device, <see cref="TryOpen"/> gives null and the reason.
/// </summary>
internal sealed unsafe class OpenClDevice : IDisposable
{
    /// <summary>Discovery runs one thread at a time: concurrent first calls into PoCL 3.1 can miss its device.</summary>
    private static readonly Lock DiscoveryLock = new();

    private readonly ClObject context;
    private readonly ClObject queue;

    private OpenClDevice(CL api, nint device)
    {
        Api = api;
        Device = device;
        Name = DeviceString(api, device, DeviceInfo.Name) + " (" + DeviceString(api, device, DeviceInfo.Version) + ")";
        SupportsDouble = DeviceString(api, device, DeviceInfo.Extensions).Contains("cl_khr_fp64", StringComparison.Ordinal);

        int status;
        var handle = device;
        context = new ClObject(api.CreateContext(null, 1, &handle, null, null, &status), api.ReleaseContext, "context");
        Check(status, "clCreateContext");
        queue = new ClObject(api.CreateCommandQueue(context.Handle, device, CommandQueueProperties.None, &status),
            api.ReleaseCommandQueue, "command queue");
        Check(status, "clCreateCommandQueue");
    }

    public CL Api { get; }

    public nint Device { get; }

    public string Name { get; }

    public bool SupportsDouble { get; }

    public nint Context => context.Handle;

    public nint Queue => queue.Handle;

    public static OpenClDevice? TryOpen(out string reason)
    {
        lock (DiscoveryLock)
            return Discover(out reason);
    }

    private static OpenClDevice? Discover(out string reason)
    {
        CL api;
        try
        {
            api = CL.GetApi();
        }
#pragma warning disable CA1031 // Discovery never throws: any failure to load OpenCL means "no OpenCL".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            reason = $"no OpenCL library could be loaded ({exception.GetType().Name}: {exception.Message})";
            return null;
        }

        uint platformCount;
        if (api.GetPlatformIDs(0, null, &platformCount) != 0 || platformCount == 0)
        {
            reason = "no OpenCL platform is installed (e.g. Debian's pocl-opencl-icd)";
            return null;
        }

        var platforms = new nint[platformCount];
        fixed (nint* p = platforms)
            Check(api.GetPlatformIDs(platformCount, p, null), "clGetPlatformIDs");

        var devices = new List<nint>();
        foreach (var platform in platforms)
        {
            uint count;
            if (api.GetDeviceIDs(platform, DeviceType.All, 0, null, &count) != 0 || count == 0)
                continue;
            var ids = new nint[count];
            fixed (nint* p = ids)
                Check(api.GetDeviceIDs(platform, DeviceType.All, count, p, null), "clGetDeviceIDs");
            devices.AddRange(ids);
        }

        if (devices.Count == 0)
        {
            reason = "the OpenCL platforms have no device";
            return null;
        }

        var chosen = devices.FirstOrDefault(
            id => DeviceString(api, id, DeviceInfo.Extensions).Contains("cl_khr_fp64", StringComparison.Ordinal), devices[0]);
        reason = string.Empty;
        return new OpenClDevice(api, chosen);
    }

    /// <summary>Builds a program; returns the clBuildProgram status and the build log (the program is released on failure).</summary>
    public (ClObject? Program, int Status, string Log) Build(string source, string options)
    {
        int status;
        var program = new ClObject(Api.CreateProgramWithSource(Context, 1, [source], null, &status), Api.ReleaseProgram, "program");
        Check(status, "clCreateProgramWithSource");
        var device = Device;
        status = Api.BuildProgram(program.Handle, 1, &device, options, null, null);
        var log = BuildLog(program.Handle);
        if (status != 0)
        {
            program.Dispose();
            return (null, status, log);
        }

        return (program, status, log);
    }

    public ClObject CreateKernel(ClObject program, string name)
    {
        int status;
        var kernel = Api.CreateKernel(program.Handle, name, &status);
        Check(status, $"clCreateKernel({name})");
        return new ClObject(kernel, Api.ReleaseKernel, $"kernel {name}");
    }

    public ClObject CreateBuffer<T>(MemFlags flags, T[] data)
        where T : unmanaged
    {
        int status;
        nint buffer;
        fixed (T* p = data)
            buffer = Api.CreateBuffer(Context, flags | MemFlags.CopyHostPtr, (nuint)(data.Length * sizeof(T)), p, &status);
        Check(status, "clCreateBuffer");
        return new ClObject(buffer, Api.ReleaseMemObject, "buffer");
    }

    public void SetArgument(ClObject kernel, uint index, ClObject buffer)
    {
        var handle = buffer.Handle;
        Check(Api.SetKernelArg(kernel.Handle, index, (nuint)sizeof(nint), &handle), $"clSetKernelArg({index})");
    }

    /// <summary>A NULL buffer argument (an optional input the kernel tests for).</summary>
    public void SetNullArgument(ClObject kernel, uint index)
    {
        nint handle = 0;
        Check(Api.SetKernelArg(kernel.Handle, index, (nuint)sizeof(nint), &handle), $"clSetKernelArg({index})");
    }

    public void SetArgument<T>(ClObject kernel, uint index, T value)
        where T : unmanaged
        => Check(Api.SetKernelArg(kernel.Handle, index, (nuint)sizeof(T), &value), $"clSetKernelArg({index})");

    public void Run(ClObject kernel, int globalSize)
    {
        var size = (nuint)globalSize;
        Check(Api.EnqueueNdrangeKernel(Queue, kernel.Handle, 1, null, &size, null, 0, null, null), "clEnqueueNDRangeKernel");
        Check(Api.Finish(Queue), "clFinish");
    }

    public T[] Read<T>(ClObject buffer, int length)
        where T : unmanaged
    {
        var result = new T[length];
        fixed (T* p = result)
            Check(Api.EnqueueReadBuffer(Queue, buffer.Handle, true, 0, (nuint)(length * sizeof(T)), p, 0, null, null), "clEnqueueReadBuffer");
        return result;
    }

    public void Dispose()
    {
        queue.Dispose();
        context.Dispose();
    }

    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new InvalidOperationException($"{call} failed with OpenCL status {status} ({(ErrorCodes)status}).");
    }

    private string BuildLog(nint program)
    {
        nuint size;
        Check(Api.GetProgramBuildInfo(program, Device, ProgramBuildInfo.BuildLog, 0, null, &size), "clGetProgramBuildInfo");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            Check(Api.GetProgramBuildInfo(program, Device, ProgramBuildInfo.BuildLog, size, p, null), "clGetProgramBuildInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string DeviceString(CL api, nint device, DeviceInfo info)
    {
        nuint size;
        if (api.GetDeviceInfo(device, info, 0, null, &size) != 0)
            return string.Empty;
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            if (api.GetDeviceInfo(device, info, size, p, null) != 0)
                return string.Empty;
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }
}
