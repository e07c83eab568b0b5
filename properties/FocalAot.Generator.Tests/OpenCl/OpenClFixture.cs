namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>One OpenCL device for the OpenCL tests, or the reason there is none (the tests then skip).</summary>
public sealed class OpenClFixture : IDisposable
{
    private readonly OpenClDevice? device;
    private readonly string skipReason;
    private readonly Dictionary<string, ClObject> programs = new(StringComparer.Ordinal);

    public OpenClFixture() => device = OpenClDevice.TryOpen(out skipReason);

    /// <summary>The device; skips the calling test when the machine has no OpenCL device at all.</summary>
    internal OpenClDevice Device
    {
        get
        {
            if (device is null)
                Assert.Skip($"OpenCL tests need an OpenCL device: {skipReason}.");
            return device;
        }
    }

    /// <summary>The program of <paramref name="source"/>, built once with the options every source asks for.</summary>
    internal ClObject Program(string source)
    {
        if (!programs.TryGetValue(source, out var program))
        {
            var (built, status, log) = Device.Build(source, OpenClBuildTests.BuildOptions);
            Assert.True(status == 0, $"clBuildProgram failed with status {status}:\n{log}");
            programs.Add(source, program = built!);
        }

        return program;
    }

    public void Dispose()
    {
        foreach (var program in programs.Values)
            program.Dispose();
        device?.Dispose();
    }
}

/// <summary>
/// The OpenCL tests share one device and run one after another: PoCL 3.1's first clGetDeviceIDs calls are not safe
/// to make from two threads at once (one of them may get CL_DEVICE_NOT_FOUND).
/// </summary>
[CollectionDefinition(Name)]
public sealed class OpenClGroup : ICollectionFixture<OpenClFixture>
{
    public const string Name = "OpenCL";
}
