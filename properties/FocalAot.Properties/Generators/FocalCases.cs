using FsCheck;
using FsCheck.Fluent;

namespace FocalAot.Properties.Generators;

/// <summary>Generators and arbitraries of whole calls (<see cref="FocalCase"/>), with a shrinker that halves them.</summary>
public static class FocalCases
{
    /// <summary>Per call: all hard labels, all soft labels, or a mix of both.</summary>
    public static Gen<double[]> Targets(int length) => Gen.OneOf(
        Gen.ArrayOf(ScalarGenerators.HardTarget, length),
        Gen.ArrayOf(ScalarGenerators.SoftTarget, length),
        Gen.ArrayOf(Gen.OneOf(ScalarGenerators.HardTarget, ScalarGenerators.SoftTarget), length));

    public static Gen<double[]> HardTargets(int length) => Gen.ArrayOf(ScalarGenerators.HardTarget, length);

    public static Gen<FocalCase> Generate(
        Gen<double> logit, Func<int, Gen<double[]>>? targets = null, Gen<int>? length = null,
        Gen<double>? gamma = null, Gen<double>? alpha = null)
    {
        targets ??= Targets;
        return from n in length ?? ScalarGenerators.Length
               from x in Gen.ArrayOf(logit, n)
               from y in targets(n)
               from upstream in Gen.ArrayOf(ScalarGenerators.Upstream, n)
               from g in gamma ?? ScalarGenerators.Gamma
               from a in alpha ?? ScalarGenerators.Alpha
               select new FocalCase(x, y, upstream, g, a);
    }

    /// <summary>Halves (which keep the failing element in one of them), then single elements of short cases.</summary>
    public static IEnumerable<FocalCase> Shrink(FocalCase value)
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
    }

    public static Arbitrary<FocalCase> From(Gen<FocalCase> generator) => Arb.From(generator, Shrink);

    /// <summary>Every kind of logit including ±∞, hard, soft or mixed labels, every γ and α.</summary>
    public static Arbitrary<FocalCase> Any { get; } = From(Generate(ScalarGenerators.LogitWithInfinities));

    /// <summary>Finite logits only.</summary>
    public static Arbitrary<FocalCase> Finite { get; } = From(Generate(ScalarGenerators.FiniteLogit));

    /// <summary>Logits with NaN and ±∞ mixed in.</summary>
    public static Arbitrary<FocalCase> WithNaN { get; } = From(Generate(ScalarGenerators.LogitWithNaN));

    /// <summary>Moderate logits and short calls, for finite differences.</summary>
    public static Arbitrary<FocalCase> Moderate { get; } = From(Generate(ScalarGenerators.ModerateLogit, length: Gen.Choose(1, 40)));

    /// <summary>Finite logits, γ = 0 and α off: plain binary cross-entropy.</summary>
    public static Arbitrary<FocalCase> CrossEntropy { get; } =
        From(Generate(ScalarGenerators.FiniteLogit, gamma: Gen.Constant(0.0), alpha: Gen.Elements(-1.0, -0.5, -1e-300, double.NegativeInfinity)));

    /// <summary>One call of exactly <paramref name="length"/> elements.</summary>
    public static Gen<FocalCase> OfLength(int length, Gen<double>? logit = null)
        => Generate(logit ?? ScalarGenerators.LogitWithInfinities, length: Gen.Constant(length));
}
