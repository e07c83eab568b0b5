using System.Text;
using FocalAot.OpenCl.Rendering;
using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>One built runtime program (a γ form and a storage type) and its kernels.</summary>
internal sealed unsafe class OpenClProgram : IDisposable
{
    private readonly ClHandle program;
    private readonly Dictionary<string, ClHandle> kernels = new(StringComparer.Ordinal);

    public OpenClProgram(nint context, nint device, string source)
    {
        var api = ClApi.Loaded;
        int status;
        program = new ClHandle(api.CreateProgramWithSource(context, 1, [source], null, &status), ClObjectKind.Program);
        ClApi.Check(status, "clCreateProgramWithSource");
        status = api.BuildProgram(program.Value, 1, &device, OpenClKernelSource.BuildOptions, null, null);
        if (status != 0)
        {
            var log = BuildLog(api, program.Value, device);
            program.Dispose();
            throw new OpenClException("clBuildProgram", status, "Build log:" + Environment.NewLine + log);
        }
    }

    /// <summary>The kernel <paramref name="name"/> (created once; its arguments are set under the context's lock).</summary>
    public nint Kernel(string name)
    {
        if (!kernels.TryGetValue(name, out var kernel))
        {
            int status;
            var handle = ClApi.Loaded.CreateKernel(program.Value, name, &status);
            ClApi.Check(status, $"clCreateKernel({name})");
            kernel = new ClHandle(handle, ClObjectKind.Kernel);
            kernels.Add(name, kernel);
        }

        return kernel.Value;
    }

    public void Dispose()
    {
        foreach (var kernel in kernels.Values)
            kernel.Dispose();
        program.Dispose();
    }

    private static string BuildLog(CL api, nint program, nint device)
    {
        nuint size;
        if (api.GetProgramBuildInfo(program, device, ProgramBuildInfo.BuildLog, 0, null, &size) != 0 || size == 0)
            return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            if (api.GetProgramBuildInfo(program, device, ProgramBuildInfo.BuildLog, size, p, null) != 0)
                return "(no build log)";
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }
}
