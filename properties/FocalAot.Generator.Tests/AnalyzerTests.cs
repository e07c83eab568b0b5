using System.Collections.Immutable;
using System.Text.RegularExpressions;
using FocalAot.Generator.Analysis;
using FocalAot.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace FocalAot.Generator.Tests;

/// <summary>
/// FocalKernelAnalyzer on small snippets: each diagnostic's id, severity, message argument and location. Snippets mark
/// the expected location with [| |].
/// </summary>
public sealed partial class AnalyzerTests
{
    [Theory]
    [InlineData("-1.0", "-1")]
    [InlineData("double.NaN", "NaN")]
    [InlineData("double.PositiveInfinity", "Infinity")]
    [InlineData("double.NegativeInfinity", "-Infinity")]
    [InlineData("-0.5, Precision.Double", "-0.5")]
    [InlineData("1e7", "10000000")]
    [InlineData("1e300, Precision.Double", "1E+300")]
    public void FOCAL001_reports_an_invalid_gamma_on_its_attribute(string arguments, string shown)
    {
        var diagnostic = Assert.Single(Analyze($$"""
            using FocalAot;

            [FocalKernel(2.0)]
            [[|FocalKernel({{arguments}})|]]
            internal static partial class Kernels;
            """, out var expected));
        AssertDiagnostic(diagnostic, "FOCAL001", DiagnosticSeverity.Error, expected);
        Assert.Contains($"γ = {shown} is invalid", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("internal partial class [|Kernels|];")]
    [InlineData("internal static class [|Kernels|];")]
    [InlineData("internal class [|Kernels|];")]
    public void FOCAL002_reports_a_class_that_is_not_static_partial_on_its_name(string declaration)
    {
        var diagnostic = Assert.Single(Analyze($"""
            using FocalAot;

            [FocalKernel(2.0)]
            {declaration}
            """, out var expected));
        AssertDiagnostic(diagnostic, "FOCAL002", DiagnosticSeverity.Error, expected);
        Assert.Contains("'Kernels'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FocalKernel(2.0)", "FocalKernel(2.0, Precision.Single)")]
    [InlineData("FocalKernel(0.7, Precision.Double)", "FocalKernel(0.7, Precision.Double)")]
    [InlineData("FocalKernel(0.0)", "FocalKernel(-0.0)")]
    public void FOCAL003_reports_the_second_declaration_of_a_kernel(string first, string second)
    {
        var diagnostic = Assert.Single(Analyze($"""
            using FocalAot;

            [{first}]
            [FocalKernel(2.0, Precision.Double)]
            [[|{second}|]]
            internal static partial class Kernels;
            """, out var expected));
        AssertDiagnostic(diagnostic, "FOCAL003", DiagnosticSeverity.Warning, expected);
    }

    [Theory]
    [InlineData("(Precision)7", "7")]
    [InlineData("(Precision)(-1)", "-1")]
    public void FOCAL004_reports_an_unsupported_precision_on_its_attribute(string precision, string shown)
    {
        var diagnostic = Assert.Single(Analyze($"""
            using FocalAot;

            [[|FocalKernel(2.0, {precision})|]]
            internal static partial class Kernels;
            """, out var expected));
        AssertDiagnostic(diagnostic, "FOCAL004", DiagnosticSeverity.Error, expected);
        Assert.Contains($"precision {shown} is not supported", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_declarations_produce_no_diagnostics()
    {
        Assert.Empty(Analyze("""
            using FocalAot;

            namespace Consumer
            {
                [FocalKernel(0.0)]
                [FocalKernel(0.0, Precision.Double)]
                [FocalKernel(2.0)]
                [FocalKernel(2.0, Precision.Double)]
                [FocalKernel(0.7, Precision.Single)]
                [FocalKernel(1e6, Precision.Double)]
                public static partial class Kernels;

                public static partial class Outer
                {
                    [FocalKernel(2.5)]
                    internal static partial class Inner
                    {
                    }
                }

                // Classes without [FocalKernel] are none of the analyzer's business.
                internal class Plain;
            }
            """, out _));
    }

    [Fact]
    public void Every_diagnostic_of_one_class_is_reported()
    {
        var diagnostics = Analyze("""
            using FocalAot;

            [FocalKernel(-1.0)]
            [FocalKernel(2.0)]
            [FocalKernel(2.0)]
            [FocalKernel(2.0, (Precision)2)]
            internal partial class Kernels;
            """, out _);
        Assert.Equal(["FOCAL001", "FOCAL002", "FOCAL003", "FOCAL004"], diagnostics.Select(diagnostic => diagnostic.Id).Order(StringComparer.Ordinal));
    }

    private static void AssertDiagnostic(Diagnostic diagnostic, string id, DiagnosticSeverity severity, TextSpan expected)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource, $"{id} has no source location.");
        var text = diagnostic.Location.SourceTree!.GetText(TestContext.Current.CancellationToken);
        Assert.Equal(text.ToString(expected), text.ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
    }

    /// <summary>Compiles a snippet (which must have no compiler errors) and returns the analyzer's diagnostics, sorted by position.</summary>
    private static ImmutableArray<Diagnostic> Analyze(string markup, out TextSpan expected)
    {
        var match = Marker().Match(markup);
        expected = match.Success ? new TextSpan(match.Index, match.Groups[1].Length) : default;
        var source = match.Success ? Marker().Replace(markup, "$1") : markup;

        var compilation = Compilations.Create(source);
        var errors = compilation.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);
        Assert.Empty(errors);

        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new FocalKernelAnalyzer());
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = compilation.WithAnalyzers(analyzers, options)
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return [.. diagnostics.OrderBy(diagnostic => diagnostic.Location.SourceSpan.Start)];
    }

    [GeneratedRegex(@"\[\|(.*?)\|\]", RegexOptions.Singleline)]
    private static partial Regex Marker();
}
