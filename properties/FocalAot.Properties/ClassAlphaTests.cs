using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Per-class α over a row-major [N, C] layout: element i takes the α of class i mod C (across blocks, chunks and
/// threads); a table whose classes are all α is the scalar α bit for bit; a table replaces the scalar α, whatever it is.
/// </summary>
public sealed class ClassAlphaTests
{
    /// <summary>A case with its scalar α in [0, 1] and a class count; weights sometimes.</summary>
    private static Arbitrary<(WeightedCase Value, int Classes)> EqualClasses { get; } = Arb.From(
        from value in WeightedCases.Generate(ScalarGenerators.LogitWithNaN, WeightedCases.Presence.Sometimes, WeightedCases.Presence.Never)
        from alpha in WeightedCases.ClassAlphaValue
        from classes in Gen.Choose(1, 13)
        select (value with { Value = value.Value with { Alpha = alpha } }, classes));

    [Property(MaxTest = 60)]
    public Property Float_equal_class_alphas_are_the_scalar_alpha_bit_for_bit() => Prop.ForAll(EqualClasses, EqualClassesAreScalar<float>);

    [Property(MaxTest = 60)]
    public Property Double_equal_class_alphas_are_the_scalar_alpha_bit_for_bit() => Prop.ForAll(EqualClasses, EqualClassesAreScalar<double>);

    [Property(MaxTest = 40)]
    public Property Half_equal_class_alphas_are_the_scalar_alpha_bit_for_bit() => Prop.ForAll(EqualClasses, EqualClassesAreScalar<Half>);

    [Property(MaxTest = 40)]
    public Property BFloat16_equal_class_alphas_are_the_scalar_alpha_bit_for_bit() => Prop.ForAll(EqualClasses, EqualClassesAreScalar<BFloat16>);

    [Property(MaxTest = 50)]
    public Property Float_a_class_table_replaces_the_scalar_alpha() => Prop.ForAll(WeightedCases.PerClass, TableReplacesScalar<float>);

    [Property(MaxTest = 50)]
    public Property Double_a_class_table_replaces_the_scalar_alpha() => Prop.ForAll(WeightedCases.PerClass, TableReplacesScalar<double>);

    /// <summary>
    /// Classes α = 0, 1/2, 1 for positives at x = 0: class 0 loses exactly 0, class 2 exactly the unweighted loss and
    /// class 1 exactly half of it, at every index of lengths that cross blocks, chunks and (above 131,072) threads.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1_000)]
    [InlineData(40_001)]
    [InlineData(140_003)]
    public void Element_i_takes_the_alpha_of_class_i_mod_C(int n)
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 4;
        var x = new float[n];
        var y = Enumerable.Repeat(1f, n).ToArray();
        var unweighted = new float[n];
        SigmoidFocalLoss.Forward(x, y, unweighted, new() { Gamma = 1.5, Alpha = -1 });
        var losses = new float[n];
        SigmoidFocalLoss.Forward(x, y, losses, new() { Gamma = 1.5, ClassAlpha = [0, 0.5, 1] });
        for (var i = 0; i < n; i++)
        {
            var expected = (i % 3) switch { 0 => 0f, 1 => unweighted[i] / 2, _ => unweighted[i] };
            Assert.True(Bits.Same(expected, losses[i]), $"loss[{i}] = {losses[i]:R}, expected class {i % 3}'s {expected:R}");
        }

        var sum = SigmoidFocalLoss.Forward(x, y,
            new FocalLossOptions<float> { Gamma = 1.5, ClassAlpha = [0, 0.5, 1], Reduction = FocalReduction.Sum });
        var counts = (Half: (n + 1) / 3, Full: n / 3);
        var expectedSum = (float)(((counts.Half * 0.5) + counts.Full) * (double)unweighted[0]);
        Assert.True(Bits.UlpDistance(expectedSum, sum) <= 1, $"sum {sum:R}, expected {expectedSum:R}");
    }

    /// <summary>One class is one α for every element; a class table of one α per element is per-element α.</summary>
    [Fact]
    public void One_class_is_a_scalar_and_n_classes_are_one_per_element()
    {
        var value = BulkInputs.Create(seed: 5, 301, BulkInputs.Labels.Mixed, gamma: 2.5, alpha: 0.3);
        EqualClassesAreScalar<float>((new WeightedCase(value, null, null), 1));
        var table = Enumerable.Range(0, value.Length).Select(i => (i % 7) / 6.0).ToArray();
        var x = FocalCase.As<double>(value.Logits);
        var y = FocalCase.As<double>(value.Targets);
        var losses = new double[value.Length];
        SigmoidFocalLoss.Forward(x, y, losses, new() { Gamma = 2.5, ClassAlpha = table });
        var single = new double[1];
        for (var i = 0; i < value.Length; i++)
        {
            SigmoidFocalLoss.Forward(x.AsSpan(i, 1), y.AsSpan(i, 1), single, new() { Gamma = 2.5, Alpha = table[i] });
            Bits.AssertSame(single[0], losses[i], $"loss[{i}] with class alpha {table[i]:R}");
        }
    }

    internal static void EqualClassesAreScalar<T>((WeightedCase Value, int Classes) sample)
        where T : unmanaged
    {
        var (value, classes) = sample;
        var scalar = Outputs<T>.Compute(value with { ClassAlpha = null });
        var table = Outputs<T>.Compute(value with { ClassAlpha = Enumerable.Repeat(value.Value.Alpha, classes).ToArray() });
        scalar.AssertSameAs(table, $"{typeof(T).Name} {classes} classes of alpha {value.Value.Alpha} vs the scalar");
    }

    internal static void TableReplacesScalar<T>(WeightedCase value)
        where T : unmanaged
    {
        var reference = Outputs<T>.Compute(value with { Value = value.Value with { Alpha = FocalLossOptions<T>.DefaultAlpha } });
        foreach (var alpha in new[] { -1.0, 0, 0.9, 1 })
        {
            reference.AssertSameAs(Outputs<T>.Compute(value with { Value = value.Value with { Alpha = alpha } }),
                $"{typeof(T).Name} scalar alpha {alpha} under a class table");
        }
    }
}
