namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// Every OpenCL C kernel the generator emits builds on the machine's OpenCL device (PoCL here) with the options the
/// emitter asks for, without errors, and has the three entry points.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClBuildTests
{
    /// <summary>What the OpenCL emitter asks for: correctly rounded float division and square root, as on the CPU.</summary>
    private const string BuildOptions = "-cl-fp32-correctly-rounded-divide-sqrt";

    private static readonly string[] EntryPoints = ["focal_sigmoid_forward", "focal_sigmoid_backward", "focal_sigmoid_forward_backward"];

    private readonly OpenClFixture fixture;

    public OpenClBuildTests(OpenClFixture fixture) => this.fixture = fixture;

    public static TheoryData<string> Kernels => new(KernelSources.All.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Every_built_in_gamma_has_a_float_and_a_double_kernel()
    {
        var builtIn = KernelSources.All.Keys.Where(name => name.StartsWith("BuiltIn.", StringComparison.Ordinal)).ToList();
        Assert.Equal(18, builtIn.Count);
        Assert.Equal(OpenClEmitter.BuildOptions, BuildOptions);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_builds_and_has_its_entry_points(string name)
    {
        var device = fixture.Device;
        var source = KernelSources.All[name];
        var needsDouble = source.Contains("cl_khr_fp64", StringComparison.Ordinal);
        if (needsDouble && !device.SupportsDouble)
            Assert.Skip($"{device.Name} has no cl_khr_fp64, which {name} needs.");

        var (program, status, log) = device.Build(source, BuildOptions);
        using (program)
        {
            Assert.True(status == 0, $"clBuildProgram failed with status {status} on {device.Name}. Build log:\n{log}");
            Assert.DoesNotContain("error", log, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("warning", log, StringComparison.OrdinalIgnoreCase);
            foreach (var entryPoint in EntryPoints)
            {
                using var kernel = device.CreateKernel(program!, entryPoint);
            }
        }
    }
}
