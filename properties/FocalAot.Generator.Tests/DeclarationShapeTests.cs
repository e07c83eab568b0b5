using System.Collections.Immutable;
using FocalAot.Generator.Analysis;
using FocalAot.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FocalAot.Generator.Tests;

/// <summary>
/// The generator and the analyzer agree on every shape of declaration: what the generator leaves out, the analyzer
/// reports; what the analyzer accepts, the generator turns into code that compiles and is reachable from the class.
/// </summary>
public sealed class DeclarationShapeTests
{
    [Fact]
    public void Invalid_attributes_are_left_out_and_valid_ones_still_generated()
    {
        var (output, result) = Compilations.Generate(Compilations.Create("""
            using FocalAot;

            [FocalKernel(-1.0)]
            [FocalKernel(2.0, (Precision)7)]
            [FocalKernel(2.0)]
            [FocalKernel(2.0)]
            internal static partial class Kernels;
            """));
        Assert.Equal(
            ["Kernels.Dispatch.g.cs", "Kernels.Gamma2.Single.g.cs", "Kernels.Gamma2.g.cs"],
            result.GeneratedSources.Select(source => source.HintName).Order(StringComparer.Ordinal));
        Assert.Empty(output.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("internal partial class Kernels;")]
    [InlineData("internal static class Kernels;")]
    public void Nothing_is_generated_for_a_class_that_is_not_static_partial(string declaration)
    {
        var (_, result) = Compilations.Generate(Compilations.Create($"""
            using FocalAot;

            [FocalKernel(2.0)]
            {declaration}
            """));
        Assert.Empty(result.GeneratedSources);
    }

    /// <summary>
    /// C# lets one part carry <c>static</c> for all parts. The analyzer accepts this class (some part is static partial),
    /// so the generator must generate its kernels, or the analyzer must report FOCAL002.
    /// </summary>
    [Fact]
    public void Static_declared_on_another_part_is_generated_or_reported()
    {
        AssertGeneratedOrReported(
            ["""
            using FocalAot;

            [FocalKernel(2.0)]
            internal partial class Kernels;
            """,
            "internal static partial class Kernels;",
            UseGamma2("Kernels")]);
    }

    /// <summary>Attributes on two parts of one class: one class, one dispatch table, every kernel.</summary>
    [Fact]
    public void Attributes_on_two_parts_of_a_class_are_generated_or_reported()
    {
        AssertGeneratedOrReported(
            ["""
            using FocalAot;

            [FocalKernel(2.0)]
            internal static partial class Kernels;
            """,
            """
            using FocalAot;

            [FocalKernel(3.0)]
            internal static partial class Kernels;
            """,
            UseGamma2("Kernels")
                + "\ninternal static class UseGamma3 { public static void Run() => Kernels.Gamma3.Forward([], [], new float[0]); }"]);
    }

    /// <summary>A generic kernel class: its generated members must land on the generic class, not on a new non-generic one.</summary>
    [Fact]
    public void A_generic_class_is_generated_or_reported()
    {
        AssertGeneratedOrReported(
            ["""
            using FocalAot;

            [FocalKernel(2.0)]
            internal static partial class Kernels<T>;
            """,
            UseGamma2("Kernels<int>")]);
    }

    /// <summary>A kernel class nested in a generic type.</summary>
    [Fact]
    public void A_class_nested_in_a_generic_type_is_generated_or_reported()
    {
        AssertGeneratedOrReported(
            ["""
            using FocalAot;

            internal static partial class Outer<T>
            {
                [FocalKernel(2.0)]
                internal static partial class Kernels;
            }
            """,
            UseGamma2("Outer<int>.Kernels")]);
    }

    private static string UseGamma2(string kernels)
        => $"internal static class UseGamma2 {{ public static void Run() => {kernels}.Gamma2.Forward([], [], new float[0]); }}";

    /// <summary>
    /// Either the analyzer reports an error for the declarations, or the generator runs cleanly and code that calls
    /// the declared kernel compiles without errors.
    /// </summary>
    private static void AssertGeneratedOrReported(string[] sources)
    {
        var compilation = Compilations.Create(sources);
        var analyzerErrors = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new FocalKernelAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .ToList();
        if (analyzerErrors.Count > 0)
            return;

        var driver = Compilations.Driver().RunGeneratorsAndUpdateCompilation(
            compilation, out var output, out var generatorDiagnostics, TestContext.Current.CancellationToken);
        var result = driver.GetRunResult().Results.Single();
        var problems = generatorDiagnostics
            .Concat(output.GetDiagnostics(TestContext.Current.CancellationToken).Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error))
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
        if (result.Exception is not null)
            problems.Insert(0, "generator exception: " + result.Exception.Message);
        Assert.True(problems.Count == 0,
            "The analyzer accepts the declarations, but the generated code does not serve them:\n" + string.Join("\n", problems)
            + "\nGenerated: " + string.Join(", ", result.GeneratedSources.Select(source => source.HintName)));
    }
}
