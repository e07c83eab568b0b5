using FsCheck;
using FsCheck.Fluent;

namespace FocalAot.Properties.Generators;

/// <summary>Generators and arbitraries of calls with per-element weights and per-class α (<see cref="WeightedCase"/>).</summary>
public static class WeightedCases
{
    /// <summary>Whether a generated case carries an input.</summary>
    public enum Presence
    {
        Never,
        Sometimes,
        Always,
    }

    /// <summary>Weights: exact 0 (ignored elements) and 1, uniform in [0, 2], log-uniform in [1e-3, 1e3], and landmarks.</summary>
    public static Gen<double> Weight { get; } = Gen.Frequency(
        (3, Gen.Constant(0.0)),
        (2, Gen.Constant(1.0)),
        (8, ScalarGenerators.Uniform(0, 2)),
        (3, ScalarGenerators.SignedLogUniform(1e-3, 1e3).Select(Math.Abs)),
        (1, Gen.Elements(0.5, 0.125, 4.0, 1e-5, 100.0, -0.0)));

    /// <summary>One α per class: the edges 0 and 1, common values, or any real in [0, 1].</summary>
    public static Gen<double> ClassAlphaValue { get; } = Gen.OneOf(
        Gen.Elements(0.0, 1.0, 0.25, 0.5, 0.75),
        ScalarGenerators.Unit);

    /// <summary>A table of C = 1..13 class α (so that lengths are mostly not multiples of C).</summary>
    public static Gen<double[]> ClassAlphaTable { get; } =
        from classes in Gen.Choose(1, 13)
        from table in Gen.ArrayOf(ClassAlphaValue, classes)
        select table;

    public static Gen<WeightedCase> Generate(
        Gen<double> logit, Presence weights, Presence classAlpha, Gen<int>? length = null, Gen<double>? weight = null)
        => from value in FocalCases.Generate(logit, length: length)
           from w in Optional(Gen.ArrayOf(weight ?? Weight, value.Length), weights)
           from table in Optional(ClassAlphaTable, classAlpha)
           select new WeightedCase(value, w, table);

    /// <summary>Halves (weights sliced along), single elements of short cases, and the case without its class table.</summary>
    public static IEnumerable<WeightedCase> Shrink(WeightedCase value)
    {
        var n = value.Length;
        if (n >= 2)
        {
            yield return value.Slice(0, n / 2);
            yield return value.Slice(n / 2, n - (n / 2));
        }

        if (n is > 1 and <= 8)
        {
            for (var i = 0; i < n; i++)
                yield return value.Slice(i, 1);
        }

        if (value.ClassAlpha is { Length: > 1 })
            yield return value with { ClassAlpha = value.ClassAlpha[..1] };
    }

    public static Arbitrary<WeightedCase> From(Gen<WeightedCase> generator) => Arb.From(generator, Shrink);

    /// <summary>Weights always, a class table sometimes; logits of every kind, ±∞ and NaN included.</summary>
    public static Arbitrary<WeightedCase> Weighted { get; } =
        From(Generate(ScalarGenerators.LogitWithNaN, Presence.Always, Presence.Sometimes));

    /// <summary>A class table always, weights sometimes; logits of every kind, ±∞ and NaN included.</summary>
    public static Arbitrary<WeightedCase> PerClass { get; } =
        From(Generate(ScalarGenerators.LogitWithNaN, Presence.Sometimes, Presence.Always));

    /// <summary>Weights and a class table each sometimes (both, either or neither); logits of every kind.</summary>
    public static Arbitrary<WeightedCase> Mixed { get; } =
        From(Generate(ScalarGenerators.LogitWithNaN, Presence.Sometimes, Presence.Sometimes));

    private static Gen<T?> Optional<T>(Gen<T> generator, Presence presence)
        where T : class
        => presence switch
        {
            Presence.Never => Gen.Constant<T?>(null),
            Presence.Always => generator.Select(v => (T?)v),
            _ => Gen.OneOf(Gen.Constant<T?>(null), generator.Select(v => (T?)v)),
        };
}
