using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using FocalAot.Generator.Model;

namespace FocalAot.Generator.Analysis;

/// <summary>Reports [FocalKernel] declarations the generator cannot turn into kernels (FOCAL001–FOCAL004).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FocalKernelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Diagnostics.InvalidGamma, Diagnostics.NotStaticPartial, Diagnostics.DuplicateKernel, Diagnostics.UnsupportedPrecision);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(KernelAttributeReader.AttributeName);
            if (attributeType is not null)
                start.RegisterSymbolAction(symbol => Analyze(symbol, attributeType), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = type.GetAttributes()
            .Where(attribute => SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            .ToList();
        if (attributes.Count == 0)
            return;

        var declarations = type.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(context.CancellationToken)).ToList();
        if (!declarations.All(declaration => KernelParser.IsGeneratable(type, declaration)))
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotStaticPartial, type.Locations.FirstOrDefault(), type.Name));

        var seen = new HashSet<KernelDeclaration>();
        foreach (var attribute in attributes)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
            var arguments = attribute.ConstructorArguments;
            switch (KernelAttributeReader.Read(attribute, out var declaration))
            {
                case KernelAttributeReader.Problem.InvalidGamma:
                    context.ReportDiagnostic(Diagnostic.Create(Diagnostics.InvalidGamma, location, Format(arguments[0].Value)));
                    break;
                case KernelAttributeReader.Problem.UnsupportedPrecision:
                    context.ReportDiagnostic(Diagnostic.Create(Diagnostics.UnsupportedPrecision, location, Format(arguments[1].Value)));
                    break;
                case KernelAttributeReader.Problem.None when !seen.Add(declaration):
                    context.ReportDiagnostic(Diagnostic.Create(
                        Diagnostics.DuplicateKernel, location, Format(declaration.Gamma), declaration.Precision, type.Name));
                    break;
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        null => "null",
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
