using System.Reflection;

namespace FocalAot.Generator.Tests.Support;

/// <summary>Where the tests find their checked-in files.</summary>
internal static class TestPaths
{
    private const string SourceDirectoryKey = "FocalAot.Generator.Tests.SourceDirectory";

    /// <summary>This project's folder in the source tree (set at build time from $(MSBuildProjectDirectory)), or null if it is gone.</summary>
    public static string? SourceDirectory
    {
        get
        {
            var directory = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == SourceDirectoryKey)?.Value;
            return directory is not null && Directory.Exists(directory) ? directory : null;
        }
    }

    /// <summary>The folder of the baselines: the source tree's when it is there, else the copy beside the test program.</summary>
    public static string BaselineDirectory
        => Path.Combine(SourceDirectory ?? AppContext.BaseDirectory, "Baselines");

    /// <summary>A copy of the generator's AnalyzerReleases.*.md, beside the test program.</summary>
    public static string AnalyzerRelease(string name) => Path.Combine(AppContext.BaseDirectory, "AnalyzerReleases", name);
}
