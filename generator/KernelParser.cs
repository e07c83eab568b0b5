using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using FocalAot.Generator.Model;

namespace FocalAot.Generator;

/// <summary>Symbols → an equatable model of primitives. Invalid declarations are left out (the analyzer reports them).</summary>
internal static class KernelParser
{
    public static KernelClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        // A class may spread its [FocalKernel] attributes over several parts; the model is built once, from the
        // symbol, for the first part that carries one (the others yield nothing, so no output is added twice).
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsGeneratable(type, context.TargetNode)
            || FirstAttributedPart(type, context.Attributes[0].AttributeClass, cancellationToken) is not { } first
            || first.SyntaxTree != context.TargetNode.SyntaxTree || first.Span != context.TargetNode.Span)
        {
            return null;
        }

        var kernels = ImmutableArray.CreateBuilder<KernelDeclaration>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, context.Attributes[0].AttributeClass)
                && KernelAttributeReader.Read(attribute, out var declaration) == KernelAttributeReader.Problem.None
                && !kernels.Contains(declaration))
            {
                kernels.Add(declaration);
            }
        }

        if (kernels.Count == 0)
            return null;

        var containing = ImmutableArray.CreateBuilder<string>();
        var fileStem = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, $"{(outer.IsStatic ? "static " : string.Empty)}partial {Keyword(outer)} {NameWithTypeParameters(outer)}");
            fileStem = outer.MetadataName + "." + fileStem;
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        return new KernelClassModel(
            new KernelClass(ns, NameWithTypeParameters(type), new EquatableArray<string>(containing.ToImmutable()),
                (ns.Length == 0 ? string.Empty : ns + ".") + fileStem.Replace('`', '_')),
            new EquatableArray<KernelDeclaration>(kernels.ToImmutable()));
    }

    /// <summary>
    /// Generated members can only be added to a static class whose declaration here is partial (C# lets any one
    /// part carry <c>static</c> for all of them).
    /// </summary>
    public static bool IsGeneratable(INamedTypeSymbol type, SyntaxNode declaration)
        => type.IsStatic && declaration is ClassDeclarationSyntax syntax && syntax.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static ClassDeclarationSyntax? FirstAttributedPart(
        INamedTypeSymbol type, INamedTypeSymbol? attributeClass, CancellationToken cancellationToken)
        => type.GetAttributes()
            .Where(attribute => SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeClass))
            .Select(attribute => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<ClassDeclarationSyntax>())
            .FirstOrDefault(part => part is not null);

    private static string NameWithTypeParameters(INamedTypeSymbol type)
        => type.TypeParameters.Length == 0 ? type.Name : $"{type.Name}<{string.Join(", ", type.TypeParameters.Select(parameter => parameter.Name))}>";

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
