using System.Reflection;
using FocalAot.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// The OpenCL C sources to build: every kernel of the runtime's BuiltInKernels (its nested classes' OpenClSingle /
/// OpenClDouble constants, read by reflection from FocalAot.dll) and a transcendental kernel (γ = 0.7) generated for a
/// consumer class.
/// </summary>
internal static class KernelSources
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sources = new(Load);

    /// <summary>Source by name, e.g. "BuiltIn.Gamma2.OpenClSingle" or "Consumer.Gamma0_7.OpenClDouble".</summary>
    public static IReadOnlyDictionary<string, string> All => Sources.Value;

    public static string BuiltIn(string gammaClass, Precision precision) => All[$"BuiltIn.{gammaClass}.OpenCl{precision}"];

    public static string Consumer(Precision precision) => All[$"Consumer.Gamma0_7.OpenCl{precision}"];

    private static Dictionary<string, string> Load()
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var builtIn = typeof(SigmoidFocalLoss).Assembly.GetType("FocalAot.Kernels.BuiltInKernels", throwOnError: true)!;
        foreach (var nested in builtIn.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
        {
            foreach (var field in nested.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.IsLiteral && field.Name is "OpenClSingle" or "OpenClDouble")
                    sources.Add($"BuiltIn.{nested.Name}.{field.Name}", (string)field.GetRawConstantValue()!);
            }
        }

        var (output, _) = Compilations.Generate(Compilations.Create("""
            using FocalAot;

            namespace Consumer;

            [FocalKernel(0.7, Precision.Single)]
            [FocalKernel(0.7, Precision.Double)]
            internal static partial class Kernels;
            """));
        var gamma = output.GetTypeByMetadataName("Consumer.Kernels+Gamma0_7")!;
        foreach (var name in new[] { "OpenClSingle", "OpenClDouble" })
            sources.Add($"Consumer.Gamma0_7.{name}", (string)gamma.GetMembers(name).OfType<IFieldSymbol>().Single().ConstantValue!);
        return sources;
    }
}
