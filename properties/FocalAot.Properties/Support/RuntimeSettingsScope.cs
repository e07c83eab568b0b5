namespace FocalAot.Properties.Support;

/// <summary>
/// Saves <see cref="FocalRuntime.ActivePath"/> and <see cref="FocalRuntime.MaxDegreeOfParallelism"/> and puts them
/// back on dispose (a <c>using</c> is a try/finally), so a test that changes them leaves the process as it found it.
/// </summary>
internal sealed class RuntimeSettingsScope : IDisposable
{
    private readonly SimdPath path = FocalRuntime.ActivePath;
    private readonly int threads = FocalRuntime.MaxDegreeOfParallelism;

    /// <summary>Every path this process can run, narrowest first: Scalar up to <see cref="FocalRuntime.DetectedPath"/>.</summary>
    public static SimdPath[] AvailablePaths { get; } =
        Enum.GetValues<SimdPath>().Where(p => p <= FocalRuntime.DetectedPath).Order().ToArray();

    public void Dispose()
    {
        FocalRuntime.ActivePath = path;
        FocalRuntime.MaxDegreeOfParallelism = threads;
    }
}
