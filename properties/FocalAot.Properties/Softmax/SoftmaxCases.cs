using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;

namespace FocalAot.Properties.Softmax;

/// <summary>Generators of softmax cases: every row length around the vector widths, extreme rows, every option.</summary>
public static class SoftmaxCases
{
    /// <summary>Class counts: every length up to 40 (every tail of 4, 8 and 16 lanes), and LVIS-like widths.</summary>
    public static Gen<int> Classes { get; } = Gen.Frequency(
        (12, Gen.Choose(1, 40)),
        (2, Gen.Elements(63, 64, 65, 80, 127, 129)),
        (1, Gen.Elements(1203, 2049)));

    /// <summary>A row's logits: spread, confident (one class far ahead), tied maxima, or the extremes.</summary>
    private static Gen<double[]> Row(int classes) => Gen.Frequency(
        (6, ScalarGenerators.Normal(0, 3).ArrayOf(classes)),
        (2, ScalarGenerators.FiniteLogit.ArrayOf(classes)),
        (2, from row in ScalarGenerators.Normal(0, 2).ArrayOf(classes)
            from top in Gen.Choose(0, classes - 1)
            from lead in Gen.Elements(10.0, 30.0, 90.0, 200.0, 800.0, 1e4)
            select Lead(row, top, lead)),
        (1, Gen.Elements(0.0, 1.0, -5.0, 1e4, -1e4).ArrayOf(classes)),
        (1, from row in ScalarGenerators.Normal(0, 3).ArrayOf(classes)
            from at in Gen.Choose(0, classes - 1)
            select WithInfinity(row, at)));

    private static double[] Lead(double[] row, int top, double lead)
    {
        var copy = (double[])row.Clone();
        copy[top] = (double)(float)(row.Max() + lead);
        return copy;
    }

    private static double[] WithInfinity(double[] row, int at)
    {
        var copy = (double[])row.Clone();
        copy[at] = double.NegativeInfinity;
        return copy;
    }

    /// <summary>Finite and -∞ logits, class-index or soft targets, every option now and then.</summary>
    public static Gen<SoftmaxCase> Any { get; } = Cases(Classes, Gen.Frequency((6, Gen.Choose(1, 6)), (1, Gen.Choose(0, 40))));

    /// <summary>
    /// <see cref="Any"/> with 16 to 70 rows of at most 40 classes: rows that run a register of rows at a time (one row per
    /// lane), the last few one by one.
    /// </summary>
    public static Gen<SoftmaxCase> ManyShortRows { get; } = Cases(Gen.Choose(1, 40), Gen.Choose(16, 70));

    /// <summary>
    /// <see cref="Any"/> or <see cref="ManyShortRows"/> with every weight (1 where none) times one of
    /// <paramref name="weightScales"/> and every class α times one of <paramref name="alphaScales"/>, each kept within
    /// float's range and representable in float: coefficients far beyond float's range.
    /// </summary>
    public static Gen<SoftmaxCase> Scaled(double[] weightScales, double[] alphaScales) =>
        from value in Gen.OneOf(Any, ManyShortRows)
        from weightScale in Gen.Elements(weightScales)
        from alphaScale in Gen.Elements(alphaScales)
        select value with
        {
            Weights = (value.Weights ?? Enumerable.Repeat(1.0, value.Rows).ToArray()).Select(w => InFloat(w * weightScale)).ToArray(),
            ClassAlpha = value.ClassAlpha?.Select(a => InFloat(a * alphaScale)).ToArray(),
        };

    private static double InFloat(double value) => (float)Math.Min(value, float.MaxValue);

    private static Gen<SoftmaxCase> Cases(Gen<int> classCounts, Gen<int> rowCounts) =>
        from classes in classCounts
        from rows in rowCounts
        from logits in Row(classes).ArrayOf(rows).Select(r => r.SelectMany(v => v).Select(v => (double)(float)v).ToArray())
        from soft in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from indices in Gen.Choose(0, classes - 1).Select(i => (long)i).ArrayOf(rows)
        from ignoreSome in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from ignored in Gen.Choose(0, 3).ArrayOf(rows)
        from probabilities in ScalarGenerators.SoftTarget.ArrayOf(rows * classes)
        from gamma in ScalarGenerators.Gamma
        from alpha in ScalarGenerators.Alpha
        from classAlpha in Gen.Frequency(
            (3, Gen.Constant<double[]?>(null)),
            (1, Gen.Frequency((4, ScalarGenerators.Uniform(0, 4)), (1, Gen.Elements(0.0, 1.0))).ArrayOf(classes).Select(a => (double[]?)a)))
        from weights in Gen.Frequency(
            (3, Gen.Constant<double[]?>(null)),
            (1, Gen.Frequency((4, ScalarGenerators.Uniform(0, 3)), (1, Gen.Constant(0.0)))
                .ArrayOf(rows)
                .Select(w => (double[]?)w.Select(v => (double)(float)v).ToArray())))
        from smoothing in Gen.Frequency((3, Gen.Constant(0.0)), (1, Gen.Elements(0.1, 0.05, 1.0)), (1, ScalarGenerators.Uniform(0, 1)))
        from poly in Gen.Frequency((4, Gen.Constant(0.0)), (1, Gen.Elements(1.0, -1.0, 0.5, 2.0)), (1, ScalarGenerators.Uniform(-1, 3)))
        from flsd in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new SoftmaxCase(
            classes,
            logits,
            soft ? null : indices.Select((t, r) => ignoreSome && ignored[r] == 0 ? -100 : t).ToArray(),
            soft ? probabilities.Select(p => (double)(float)p).ToArray() : null,
            gamma,
            alpha,
            classAlpha,
            weights,
            smoothing,
            -100)
        { PolyEpsilon = poly, SampleDependentGamma = flsd };
}
