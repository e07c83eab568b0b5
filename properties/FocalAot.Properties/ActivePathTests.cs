using System.Runtime.InteropServices;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The run tests the SIMD path it means to: FOCALAOT_EXPECT_PATH names it (Scalar, Vector128, Vector256, Vector512, or
/// "widest" for the widest hardware-accelerated path), and FOCALAOT_EXPECT_MULTIPLY_ADD whether its multiply-adds are
/// fused. ActivePath can cap the width but never exceed DetectedPath.
/// </summary>
public sealed class ActivePathTests
{
    private const string ExpectVariable = "FOCALAOT_EXPECT_PATH";
    private const string ExpectMultiplyAddVariable = "FOCALAOT_EXPECT_MULTIPLY_ADD";

    [Fact]
    public void The_active_path_is_the_one_this_run_means_to_test()
    {
        var expected = Environment.GetEnvironmentVariable(ExpectVariable);
        var widest = WidestAcceleratedPath();
        if (string.IsNullOrEmpty(expected))
        {
            Assert.Equal(FocalRuntime.DetectedPath, FocalRuntime.ActivePath);
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FocalRuntime.PathOverrideVariable)))
                Assert.Equal(widest, FocalRuntime.ActivePath);
        }
        else if (expected.Equals("widest", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Equal(widest, FocalRuntime.ActivePath);
        }
        else
        {
            Assert.True(TryParsePath(expected, out var path),
                $"{ExpectVariable}='{expected}' is not one of Scalar, Vector128, Vector256, Vector512, widest");
            Assert.Equal(path, FocalRuntime.ActivePath);
        }
    }

    [Fact]
    public void Multiply_adds_are_fused_as_this_run_expects()
    {
        // Unset (a run outside build.ps1): fused on arm64 and on x64 CPUs with FMA3, unless a runtime setting turns
        // hardware intrinsics (or, on x64, the AVX2 group that holds FMA3) off.
        var off = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0"
            || (RuntimeInformation.ProcessArchitecture == Architecture.X64 && Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0");
        var hardware = RuntimeInformation.ProcessArchitecture != Architecture.X64 || CpuFlags().Contains("fma");
        var expected = Environment.GetEnvironmentVariable(ExpectMultiplyAddVariable) is { Length: > 0 } value ? value
            : hardware && !off ? "fused" : "separate";
        Assert.True(expected is "fused" or "separate", $"{ExpectMultiplyAddVariable}='{expected}' is not fused or separate");
        Assert.Equal(expected == "fused", FocalRuntime.FusedMultiplyAdd);
    }

    private static string[] CpuFlags()
        => File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("flags", StringComparison.Ordinal))?
            .Split((char[])[' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries) ?? [];

    [Fact]
    public void The_detected_path_is_the_widest_accelerated_one_or_the_override()
    {
        var name = Environment.GetEnvironmentVariable(FocalRuntime.PathOverrideVariable);
        if (string.IsNullOrEmpty(name))
        {
            Assert.Equal(WidestAcceleratedPath(), FocalRuntime.DetectedPath);
        }
        else
        {
            Assert.True(TryParsePath(name, out var path), $"{FocalRuntime.PathOverrideVariable}='{name}' is not a path name");
            Assert.Equal(path, FocalRuntime.DetectedPath);
        }

        Assert.True(FocalRuntime.IsHardwareAccelerated(SimdPath.Scalar));
    }

    [Fact]
    public void The_active_path_cannot_exceed_the_detected_path()
    {
        var before = FocalRuntime.ActivePath;
        var invalid = Enum.GetValues<SimdPath>().Where(p => p > FocalRuntime.DetectedPath).Append((SimdPath)4).Append((SimdPath)(-1));
        foreach (var path in invalid)
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => FocalRuntime.ActivePath = path);
            Assert.Equal("value", exception.ParamName);
            Assert.Equal(before, FocalRuntime.ActivePath);
        }
    }

    [Fact]
    public void The_active_path_caps_the_width_and_can_be_restored()
    {
        var detected = FocalRuntime.DetectedPath;
        var before = FocalRuntime.ActivePath;
        try
        {
            foreach (var path in Enum.GetValues<SimdPath>().Where(p => p <= detected))
            {
                FocalRuntime.ActivePath = path;
                Assert.Equal(path, FocalRuntime.ActivePath);
                Assert.Equal(detected, FocalRuntime.DetectedPath);
            }
        }
        finally
        {
            FocalRuntime.ActivePath = before;
        }

        Assert.Equal(before, FocalRuntime.ActivePath);
    }

    private static SimdPath WidestAcceleratedPath()
        => Enum.GetValues<SimdPath>().Where(FocalRuntime.IsHardwareAccelerated).Max();

    private static bool TryParsePath(string name, out SimdPath path)
        => Enum.TryParse(name, ignoreCase: true, out path) && Enum.IsDefined(path) && !char.IsAsciiDigit(name[0]) && name[0] != '-';
}
