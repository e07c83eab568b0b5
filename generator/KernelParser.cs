using System.Collections.Immutable;
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
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsStaticPartial(context.TargetNode))
            return null;

        var kernels = ImmutableArray.CreateBuilder<KernelDeclaration>();
        foreach (var attribute in context.Attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (KernelAttributeReader.Read(attribute, out var declaration) == KernelAttributeReader.Problem.None
                && !kernels.Contains(declaration))
            {
                kernels.Add(declaration);
            }
        }

        if (kernels.Count == 0)
            return null;

        var containing = ImmutableArray.CreateBuilder<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            containing.Insert(0, $"{(outer.IsStatic ? "static " : string.Empty)}partial {Keyword(outer)} {outer.Name}");

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        return new KernelClassModel(
            new KernelClass(ns, type.Name, new EquatableArray<string>(containing.ToImmutable())),
            new EquatableArray<KernelDeclaration>(kernels.ToImmutable()));
    }

    /// <summary>Generated members can only be added to a class declared <c>static partial</c>.</summary>
    public static bool IsStaticPartial(SyntaxNode node)
        => node is ClassDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.StaticKeyword)
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
