using System.Runtime.Intrinsics;

namespace FocalAot;

/// <summary>
/// Process-wide settings of the kernels: which SIMD path they run and how many threads they may use.
/// </summary>
/// <remarks>
/// The settings are global; change them at start-up or between calls, not while other threads run kernels.
/// No setting changes results: every path and every thread count gives the same bits. What can change them is the
/// hardware's multiply-add: see <see cref="FusedMultiplyAdd"/>.
/// </remarks>
public static class FocalRuntime
{
    /// <summary>
    /// Environment variable that overrides detection with a path name (<c>scalar</c>, <c>vector128</c>,
    /// <c>vector256</c>, <c>vector512</c>; case-insensitive). A path the hardware lacks then runs in
    /// software emulation: correct and slow, meant for testing a path on a machine without it.
    /// </summary>
    public const string PathOverrideVariable = "FOCALAOT_SIMD_PATH";

    private static readonly Lazy<SimdPath> Detected = new(DetectPath);
    private static SimdPath? activeOverride;
    private static int maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The widest path this process supports: the widest hardware-accelerated vector width, or the path named
    /// by <see cref="PathOverrideVariable"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The override variable holds something other than a path name.</exception>
    public static SimdPath DetectedPath => Detected.Value;

    /// <summary>The path the kernels run. Defaults to <see cref="DetectedPath"/>; set it lower to cap the width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined path, or is wider than <see cref="DetectedPath"/>.</exception>
    public static SimdPath ActivePath
    {
        get => activeOverride ?? DetectedPath;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "ActivePath must be a defined SimdPath.");
            if (value > DetectedPath)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"ActivePath cannot exceed the detected path {DetectedPath}; it can only cap the width.");
            }

            activeOverride = value;
        }
    }

    /// <summary>
    /// The most threads one call may use (the calling thread included). 1 keeps every call on the calling
    /// thread. Defaults to <see cref="Environment.ProcessorCount"/>. Whatever the setting, a call never runs on
    /// more threads than <see cref="Environment.ProcessorCount"/>, and the library never starts more than one
    /// worker thread per processor. Calls below about 131,072 elements always run on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref maxDegreeOfParallelism, value);
        }
    }

    /// <summary>
    /// Whether the kernels' multiply-adds are fused (one rounding): true on x64 with FMA3 (x86-64-v3 and up) and on
    /// arm64. False in an x64 process without FMA — an x86-64-v2 CPU, a NativeAOT app built for the default
    /// x86-64-v2 target, or <c>DOTNET_EnableAVX2=0</c> — where the kernels multiply and add, at about the fused speed
    /// instead of a software FMA's thirtieth. Every path of a process gives the same bits either way; results of the
    /// two kinds of process differ in the last bits, each within the documented accuracy bounds.
    /// </summary>
    public static bool FusedMultiplyAdd => Simd.MultiplyAddMode.IsFused;

    /// <summary>Whether the hardware executes <paramref name="path"/> natively (rather than in software emulation).</summary>
    public static bool IsHardwareAccelerated(SimdPath path) => path switch
    {
        SimdPath.Scalar => true,
        SimdPath.Vector128 => Vector128.IsHardwareAccelerated,
        SimdPath.Vector256 => Vector256.IsHardwareAccelerated,
        SimdPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    private static SimdPath DetectPath()
    {
        var name = Environment.GetEnvironmentVariable(PathOverrideVariable);
        if (!string.IsNullOrEmpty(name))
        {
            if (Enum.TryParse<SimdPath>(name, ignoreCase: true, out var forced) && Enum.IsDefined(forced)
                && !char.IsAsciiDigit(name[0]))
            {
                return forced;
            }

            throw new InvalidOperationException(
                $"{PathOverrideVariable}='{name}' is not a SIMD path; use scalar, vector128, vector256 or vector512.");
        }

        if (Vector512.IsHardwareAccelerated)
            return SimdPath.Vector512;
        if (Vector256.IsHardwareAccelerated)
            return SimdPath.Vector256;
        return Vector128.IsHardwareAccelerated ? SimdPath.Vector128 : SimdPath.Scalar;
    }
}
