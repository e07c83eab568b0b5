using Microsoft.CodeAnalysis;

namespace FocalAot.Generator.Analysis;

/// <summary>The analyzer's diagnostics. Ids are stable: never renumber or reuse one (see AnalyzerReleases.*.md).</summary>
internal static class Diagnostics
{
    private const string Category = "FocalAot";

    public static readonly DiagnosticDescriptor InvalidGamma = new(
        id: "FOCAL001",
        title: "γ must be finite, non-negative and at most 1e6",
        messageFormat: "[FocalKernel] γ = {0} is invalid: γ must be a finite number >= 0 and <= 1e6",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The focusing parameter γ of a focal-loss kernel is a finite real number >= 0 (0 is cross-entropy) and <= 1e6.");

    public static readonly DiagnosticDescriptor NotStaticPartial = new(
        id: "FOCAL002",
        title: "A class with [FocalKernel] must be static partial",
        messageFormat: "Class '{0}' has [FocalKernel] but is not declared 'static partial', so no kernel is generated for it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds the kernels' nested classes to the class, which needs the 'static' and 'partial' modifiers.");

    public static readonly DiagnosticDescriptor DuplicateKernel = new(
        id: "FOCAL003",
        title: "The same kernel is declared twice",
        messageFormat: "[FocalKernel] γ = {0}, precision {1} is already declared on '{2}'; the duplicate is ignored",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each (γ, precision) pair generates one kernel; declaring it again has no effect.");

    public static readonly DiagnosticDescriptor UnsupportedPrecision = new(
        id: "FOCAL004",
        title: "Unsupported precision",
        messageFormat: "[FocalKernel] precision {0} is not supported: use Precision.Single or Precision.Double",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Kernels exist for float (Precision.Single) and double (Precision.Double).");
}
