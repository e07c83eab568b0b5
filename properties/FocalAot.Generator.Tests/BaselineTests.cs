using System.Text;
using FocalAot.Generator.Tests.Support;

namespace FocalAot.Generator.Tests;

/// <summary>
/// The generator's output for representative declarations, compared with checked-in files under
/// Baselines/&lt;case&gt;/&lt;hint name&gt; (one file per generated source, nothing missing and nothing extra).
/// </summary>
/// <remarks>
/// After an intended change to the emitted code, regenerate the baselines and review the diff:
/// <code>
/// dotnet build properties/FocalAot.Generator.Tests -c Release -p:ArtifactsPath=/tmp/gen-artifacts &amp;&amp;
///   FOCALAOT_UPDATE_BASELINES=1 /tmp/gen-artifacts/bin/FocalAot.Generator.Tests/release/FocalAot.Generator.Tests \
///     -noColor -class FocalAot.Generator.Tests.BaselineTests
/// </code>
/// With FOCALAOT_UPDATE_BASELINES=1 each test writes its case's files into the source tree (the folder recorded at
/// build time from $(MSBuildProjectDirectory)), deletes files no longer generated, and passes.
/// </remarks>
public sealed class BaselineTests
{
    private const string UpdateVariable = "FOCALAOT_UPDATE_BASELINES";

    public static TheoryData<string> Cases => new(BaselineCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_sources_match_the_baselines(string name)
    {
        var (_, result) = Compilations.Generate(Compilations.Create(BaselineCases.All[name]));
        var generated = result.GeneratedSources.ToDictionary(
            source => source.HintName, source => source.SourceText.ToString(), StringComparer.Ordinal);
        Assert.NotEmpty(generated);
        var directory = Path.Combine(TestPaths.BaselineDirectory, name);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.True(TestPaths.SourceDirectory is not null, "The source tree recorded at build time is gone: cannot update baselines.");
            Update(directory, generated);
            return;
        }

        Assert.True(Directory.Exists(directory), $"No baselines for '{name}' in {directory}: run with {UpdateVariable}=1 to create them.");
        var expectedNames = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedNames, generated.Keys.Order(StringComparer.Ordinal));
        foreach (var (hintName, text) in generated)
        {
            var expected = File.ReadAllText(Path.Combine(directory, hintName)).ReplaceLineEndings("\n");
            if (expected != text)
            {
                Assert.Fail($"{name}/{hintName} differs from its baseline (run with {UpdateVariable}=1 and review the diff):\n"
                    + $"{FirstDifference(expected, text)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_sources_compile_without_errors_or_warnings(string name)
    {
        var (output, _) = Compilations.Generate(Compilations.Create(BaselineCases.All[name]));
        Compilations.AssertClean(output);
    }

    private static void Update(string directory, Dictionary<string, string> generated)
    {
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory).Where(path => !generated.ContainsKey(Path.GetFileName(path))))
            File.Delete(stale);
        foreach (var (hintName, text) in generated)
            File.WriteAllText(Path.Combine(directory, hintName), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
                return $"line {i + 1}:\n  baseline:  {e}\n  generated: {a}";
        }

        return "(no line differs)";
    }
}
