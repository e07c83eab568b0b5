using System.Reflection;
using System.Runtime.Loader;
using FocalAot.Generator.Tests.Support;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// The OpenCL C sources to build: every kernel of the runtime's BuiltInKernels (its nested classes' OpenClSingle /
/// OpenClDouble properties, read by reflection from FocalAot.dll) and a transcendental kernel (γ = 0.7) generated for a
/// consumer class, compiled and loaded for the purpose.
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
            AddSources(sources, "BuiltIn." + nested.Name, nested);

        var (output, _) = Compilations.Generate(Compilations.Create("""
            using FocalAot;

            namespace Consumer;

            [FocalKernel(0.7, Precision.Single)]
            [FocalKernel(0.7, Precision.Double)]
            internal static partial class Kernels;
            """));
        Compilations.AssertClean(output);
        var context = new AssemblyLoadContext("FocalAot.Generator.Tests.OpenClSources", isCollectible: true);
        try
        {
            using var image = new MemoryStream(Compilations.Emit(output));
            AddSources(sources, "Consumer.Gamma0_7", context.LoadFromStream(image).GetType("Consumer.Kernels+Gamma0_7", throwOnError: true)!);
        }
        finally
        {
            context.Unload();
        }

        return sources;
    }

    private static void AddSources(Dictionary<string, string> sources, string prefix, Type kernel)
    {
        foreach (var property in kernel.GetProperties(BindingFlags.Public | BindingFlags.Static))
        {
            if (property.Name is "OpenClSingle" or "OpenClDouble")
                sources.Add($"{prefix}.{property.Name}", (string)property.GetValue(null)!);
        }
    }
}
