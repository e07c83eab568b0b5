using System.Collections;
using System.Reflection;
using FocalAot.Generator.Model;
using FocalAot.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FocalAot.Generator.Tests;

/// <summary>
/// Run-twice tests of the incremental pipeline: an edit that does not touch a kernel declaration reuses every cached
/// step, and changing one γ redoes only that kernel's steps. The models the steps cache hold no Roslyn objects.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly string[] TrackingNames =
        [FocalKernelGenerator.TrackingNames.Classes, FocalKernelGenerator.TrackingNames.Powers, FocalKernelGenerator.TrackingNames.Kernels];

    private const string Declarations = """
        using FocalAot;

        namespace Consumer;

        [FocalKernel(2.0)]
        [FocalKernel(2.5)]
        [FocalKernel(0.7)]
        internal static partial class Kernels;
        """;

    [Fact]
    public void An_unrelated_edit_reuses_every_step()
    {
        var compilation = Compilations.Create(Declarations);
        var driver = Compilations.Driver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        var first = driver.GetRunResult().Results.Single();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Consumer; internal static class Unrelated { public static int Value => 42; }", Compilations.ParseOptions,
            path: "Unrelated.cs", cancellationToken: TestContext.Current.CancellationToken));
        var second = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (var name in TrackingNames)
        {
            var outputs = Outputs(second, name);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{name}: {output.Value} was {output.Reason}"));
        }

        Assert.Equal(Texts(first), Texts(second));
    }

    [Fact]
    public void Changing_one_gamma_redoes_only_that_kernel()
    {
        var compilation = Compilations.Create(Declarations);
        var driver = Compilations.Driver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        var first = driver.GetRunResult().Results.Single();

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(
            tree.GetText(TestContext.Current.CancellationToken).Replace(Declarations.IndexOf("2.5", StringComparison.Ordinal), 3, "3.0")));
        var second = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        // The class model holds every declaration, so it changes; each γ's steps change only for the edited γ.
        Assert.All(Outputs(second, FocalKernelGenerator.TrackingNames.Classes),
            output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
        AssertOnlyGammaChanged(Outputs(second, FocalKernelGenerator.TrackingNames.Powers), value => ((PowerSpec)value).Gamma);
        AssertOnlyGammaChanged(Outputs(second, FocalKernelGenerator.TrackingNames.Kernels), value => ((KernelSpec)value).Power.Gamma);

        var before = Texts(first);
        var after = Texts(second);
        Assert.DoesNotContain(after.Keys, name => name.Contains("Gamma2_5", StringComparison.Ordinal));
        Assert.Contains("Consumer.Kernels.Gamma3.g.cs", after.Keys);
        Assert.Contains("Consumer.Kernels.Gamma3.Single.g.cs", after.Keys);
        foreach (var name in after.Keys.Where(
            name => name.Contains("Gamma2.", StringComparison.Ordinal) || name.Contains("Gamma0_7", StringComparison.Ordinal)))
        {
            Assert.Equal(before[name], after[name]);
        }
    }

    [Fact]
    public void Step_outputs_hold_no_Roslyn_objects()
    {
        var compilation = Compilations.Create(Declarations, BaselineCases.All["Nested"]);
        var result = Compilations.Driver().RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (var name in TrackingNames)
        {
            var outputs = Outputs(result, name);
            Assert.NotEmpty(outputs);
            foreach (var (value, _) in outputs)
                AssertNoRoslynObjects(value, $"{name} output");
        }
    }

    private static void AssertOnlyGammaChanged(List<(object Value, IncrementalStepRunReason Reason)> outputs, Func<object, double> gamma)
    {
        Assert.Equal(3, outputs.Count);
        foreach (var (value, reason) in outputs)
        {
            if (gamma(value) == 3.0)
                Assert.True(reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified, $"{value} was {reason}");
            else
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{value} was {reason}");
        }
    }

    private static List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string trackingName)
    {
        Assert.True(result.TrackedSteps.TryGetValue(trackingName, out var steps), $"No step tracked as {trackingName}.");
        return steps.SelectMany(step => step.Outputs).ToList();
    }

    private static Dictionary<string, string> Texts(GeneratorRunResult result)
        => result.GeneratedSources.ToDictionary(source => source.HintName, source => source.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>Walks an object graph (fields, array and collection elements) and fails on any Roslyn symbol, syntax or compilation.</summary>
    private static void AssertNoRoslynObjects(object root, string path)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, path);

        void Walk(object? value, string where)
        {
            if (value is null)
                return;
            var type = value.GetType();
            Assert.False(IsRoslynType(type), $"{where} is a {type.FullName}: a cached model must hold primitives only.");
            if (type.IsPrimitive || type.IsEnum || value is string || (!type.IsValueType && !visited.Add(value)))
                return;

            if (value is IEnumerable items)
            {
                var index = 0;
                foreach (var item in items)
                    Walk(item, $"{where}[{index++}]");
            }

            for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (var field in current.GetFields(
                    BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Assert.False(IsRoslynType(field.FieldType), $"{where}.{field.Name} is declared as {field.FieldType.FullName}.");
                    if (!field.FieldType.IsPointer)
                        Walk(field.GetValue(value), $"{where}.{field.Name}");
                }
            }
        }
    }

    private static bool IsRoslynType(Type type)
        => type.Assembly == typeof(ISymbol).Assembly
            || type.Assembly == typeof(CSharpCompilation).Assembly
            || typeof(ISymbol).IsAssignableFrom(type)
            || typeof(SyntaxNode).IsAssignableFrom(type)
            || typeof(Compilation).IsAssignableFrom(type)
            || typeof(SemanticModel).IsAssignableFrom(type);
}
