using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FocalAot.Generator.Tests.Support;

/// <summary>In-memory C# compilations of consumer code against the .NET 10 reference assemblies and the real FocalAot.dll.</summary>
internal static class Compilations
{
    /// <summary>The parse options of a consumer project: latest C#, XML documentation checked (as GenerateDocumentationFile does).</summary>
    public static CSharpParseOptions ParseOptions { get; } =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static ImmutableArray<MetadataReference> References { get; } =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(SigmoidFocalLoss).Assembly.Location),
    ];

    public static CSharpCompilation Create(params string[] sources) => CreateNamed("Consumer", sources);

    public static CSharpCompilation CreateNamed(string assemblyName, params string[] sources)
        => CSharpCompilation.Create(
            assemblyName,
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                warningLevel: 9999,
                deterministic: true));

    /// <summary>A driver for the generator; step tracking on, as the incremental tests need.</summary>
    public static CSharpGeneratorDriver Driver()
        => CSharpGeneratorDriver.Create(
            [new FocalKernelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; asserts it neither threw nor reported anything.</summary>
    public static (Compilation Output, GeneratorRunResult Result) Generate(CSharpCompilation compilation)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(diagnostics);
        return (output, result);
    }

    /// <summary>Asserts a compilation has no errors and no warnings.</summary>
    public static void AssertClean(Compilation compilation)
    {
        var problems = compilation.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning)
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
        Assert.True(problems.Count == 0, "The compilation has errors or warnings:\n" + string.Join("\n", problems));
    }

    /// <summary>Compiles generator output to IL (asserting success) and returns the image.</summary>
    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return stream.ToArray();
    }
}
