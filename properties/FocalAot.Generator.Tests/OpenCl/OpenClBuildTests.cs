using System.Text.RegularExpressions;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// Every OpenCL C kernel a generated class exposes builds on the machine's OpenCL device (PoCL here) with the options
/// its source asks for, without errors or warnings, and has the three entry points.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClBuildTests
{
    /// <summary>What every source asks for: correctly rounded float division and square root, as on the CPU.</summary>
    internal const string BuildOptions = "-cl-fp32-correctly-rounded-divide-sqrt";

    private static readonly string[] EntryPoints = ["focal_sigmoid_forward", "focal_sigmoid_backward", "focal_sigmoid_forward_backward"];

    private readonly OpenClFixture fixture;

    public OpenClBuildTests(OpenClFixture fixture) => this.fixture = fixture;

    public static TheoryData<string> Kernels => new(KernelSources.All.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Every_built_in_gamma_has_a_float_and_a_double_kernel()
    {
        var builtIn = KernelSources.All.Keys.Where(name => name.StartsWith("BuiltIn.", StringComparison.Ordinal)).ToList();
        Assert.Equal(18, builtIn.Count);
        Assert.All(KernelSources.All.Values, source => Assert.Contains($"Build with {BuildOptions}", source, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_source_has_one_element_function_and_guards_its_bounds(string name)
    {
        var source = KernelSources.All[name];
        Assert.Single(Regex.Matches(source, @"static int focal_element\("));
        Assert.Equal(EntryPoints.Length, Regex.Count(source, @"if \(i >= n\) return;"));
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
