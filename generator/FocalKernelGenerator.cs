using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalAot.Generator;

/// <summary>
/// [FocalKernel(γ, precision)] on a static partial class → a power operator per γ, entry points and OpenCL C per
/// kernel, and a dispatch table per class. The pipeline only: parsing and emitting live in their own types.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FocalKernelGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        public const string Classes = nameof(Classes);
        public const string Powers = nameof(Powers);
        public const string Kernels = nameof(Kernels);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KernelAttributeReader.AttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => KernelParser.Parse(attributeContext, cancellationToken))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Classes);

        var powers = classes
            .SelectMany(static (model, _) => model.Powers())
            .WithTrackingName(TrackingNames.Powers);

        var kernels = classes
            .SelectMany(static (model, _) => model.Specs())
            .WithTrackingName(TrackingNames.Kernels);

        context.RegisterSourceOutput(powers, static (output, power)
            => output.AddSource($"{power.Class.FileStem}.{power.TypeName}.g.cs", KernelEmitter.EmitPower(power)));
        context.RegisterSourceOutput(kernels, static (output, kernel)
            => output.AddSource($"{kernel.Power.Class.FileStem}.{kernel.Power.TypeName}.{kernel.Precision}.g.cs", KernelEmitter.EmitKernel(kernel)));
        context.RegisterSourceOutput(classes, static (output, model)
            => output.AddSource($"{model.Class.FileStem}.Dispatch.g.cs", KernelEmitter.EmitDispatch(model)));
    }
}
