using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// [N, C, S] logits (the classes of a position S apart) give, bit for bit, the results of the same samples laid out as
/// [N·S, C] rows: per-position losses, the gradient in the logits' layout, and every reduction, whether a position runs
/// in a lane of a register of positions or as a row of a tile.
/// </summary>
public sealed class SoftmaxSpatialTests
{
    private static readonly int[] ThreadCounts = [1, 3];

    private static Gen<(SoftmaxCase Rows, int Spatial)> Cases { get; } =
        from spatial in Gen.Frequency((3, Gen.Choose(2, 12)), (1, Gen.Choose(13, 70)))
        from value in SoftmaxCases.Any
        select (Resized(value, Math.Max(1, value.Rows / spatial) * spatial), spatial);

    [Property(MaxTest = 120)]
    public Property Float_strided_samples_give_the_bits_of_rows() => Prop.ForAll(Cases.ToArbitrary(), c => Same<float>(c.Rows, c.Spatial));

    [Property(MaxTest = 80)]
    public Property Double_strided_samples_give_the_bits_of_rows() => Prop.ForAll(Cases.ToArbitrary(), c => Same<double>(c.Rows, c.Spatial));

    [Property(MaxTest = 60)]
    public Property Half_strided_samples_give_the_bits_of_rows() => Prop.ForAll(Cases.ToArbitrary(), c => Same<Half>(c.Rows, c.Spatial));

    [Property(MaxTest = 40)]
    public Property Strided_samples_give_the_bits_of_rows_on_every_path() => Prop.ForAll(Cases.ToArbitrary(), c =>
    {
        using var scope = new RuntimeSettingsScope();
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            Same<float>(c.Rows, c.Spatial);
            Same<double>(c.Rows, c.Spatial);
        }
    });

    /// <summary>
    /// Calls past the threading threshold, each sample's positions in several tiles: 2 × 4,099 positions of 21 classes
    /// (S not a multiple of a cache line) and 2 × 600 of 150, on one thread and on three (chunks that start inside a tile).
    /// </summary>
    private static Arbitrary<(SoftmaxCase Rows, int Spatial)[]> LargeCases { get; } = Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from gamma in ScalarGenerators.Gamma
        from weighted in Gen.Elements(false, true)
        from classAlpha in Gen.Elements(false, true)
        from smoothing in Gen.Elements(0.0, 0.1)
        select new[]
        {
            (SoftmaxIdentityTests.Large(2 * 4099, 21, seed, gamma, 0.25, weighted, classAlpha, smoothing), 4099),
            (SoftmaxIdentityTests.Large(2 * 600, 150, seed ^ 0x2545F491, gamma, 0.25, weighted, classAlpha, smoothing), 600),
        });

    [Property(MaxTest = 2)]
    public Property Large_strided_calls_give_the_bits_of_rows_on_every_thread_count() => Prop.ForAll(LargeCases, cases =>
    {
        using var scope = new RuntimeSettingsScope();
        foreach (var threads in ThreadCounts)
        {
            FocalRuntime.MaxDegreeOfParallelism = threads;
            foreach (var (rows, spatial) in cases)
            {
                Same<float>(rows, spatial);
                Same<Half>(rows, spatial);
            }
        }
    });

    /// <summary>
    /// A weight so small that one position's Poly-1 coefficient rounds to 0 in float while its neighbours' do not: the
    /// positions of a register then take their target terms one at a time, each with its own Poly-1 test, as rows do.
    /// </summary>
    [Fact]
    public void A_position_whose_poly_coefficient_vanishes_gives_the_bits_of_its_row()
    {
        const int Classes = 5;
        const int Spatial = 48;
        var random = new Random(7);
        var logits = Enumerable.Range(0, Classes * Spatial).Select(_ => (double)(float)((random.NextDouble() - 0.5) * 8)).ToArray();
        var indices = Enumerable.Range(0, Spatial).Select(_ => (long)random.Next(Classes)).ToArray();
        var weights = Enumerable.Range(0, Spatial).Select(r => r % 7 == 3 ? (double)float.Epsilon : 1.0).ToArray();
        var rows = new SoftmaxCase(Classes, logits, indices, null, 2, 0.25, null, weights, 0, -100) { PolyEpsilon = 0.25 };
        Same<float>(rows, Spatial);
    }

    [Fact]
    public void Spatial_must_be_positive_and_divide_the_logits()
    {
        var logits = new float[12];
        var losses = new float[6];
        var zero = Assert.Throws<ArgumentOutOfRangeException>(
            () => SoftmaxFocalLoss.Forward<float, int>(logits, new int[6], new SoftmaxShape(2, 0), losses));
        Assert.Equal("spatial", zero.ParamName);
        var uneven = Assert.Throws<ArgumentException>(
            () => SoftmaxFocalLoss.Forward<float, int>(logits, new int[2], new SoftmaxShape(2, 5), losses));
        Assert.Equal("logits", uneven.ParamName);
        Assert.Contains("classes * spatial = 10", uneven.Message, StringComparison.Ordinal);
        var targets = Assert.Throws<ArgumentException>(
            () => SoftmaxFocalLoss.Forward<float, int>(logits, new int[4], new SoftmaxShape(2, 3), losses));
        Assert.Equal("targets", targets.ParamName);
        Assert.Contains("one class index per position", targets.Message, StringComparison.Ordinal);
    }

    /// <summary>The case with its rows cut or repeated to <paramref name="rows"/> (a multiple of S).</summary>
    private static SoftmaxCase Resized(SoftmaxCase value, int rows)
    {
        var classes = value.Classes;
        static double[] Repeat(double[] source, int length, double fill)
            => [.. Enumerable.Range(0, length).Select(i => source.Length == 0 ? fill : source[i % source.Length])];
        return value with
        {
            Logits = Repeat(value.Logits, rows * classes, 0.5),
            Indices = value.Indices is null ? null : [.. Repeat([.. value.Indices.Select(i => (double)i)], rows, 0).Select(i => (long)i)],
            Probabilities = value.Probabilities is null ? null : Repeat(value.Probabilities, rows * classes, 0.5),
            Weights = value.Weights is null ? null : Repeat(value.Weights, rows, 1),
        };
    }

    private static void Same<T>(SoftmaxCase rows, int spatial)
        where T : unmanaged
    {
        // Row r = n·S + s of the row case is position s of sample n: logit (n, c, s) at (n·C + c)·S + s.
        var classes = rows.Classes;
        var samples = rows.Rows / spatial;
        int Strided(int row, int c) => ((((row / spatial) * classes) + c) * spatial) + (row % spatial);
        var stridedLogits = new double[rows.Logits.Length];
        var stridedProbabilities = rows.Probabilities is null ? null : new double[rows.Logits.Length];
        for (var row = 0; row < rows.Rows; row++)
        {
            for (var c = 0; c < classes; c++)
            {
                stridedLogits[Strided(row, c)] = rows.Logits[(row * classes) + c];
                if (stridedProbabilities is not null)
                    stridedProbabilities[Strided(row, c)] = rows.Probabilities![(row * classes) + c];
            }
        }

        var strided = rows with { Logits = stridedLogits, Probabilities = stridedProbabilities };
        var shape = new SoftmaxShape(classes, spatial);
        Assert.Equal(samples * spatial, rows.Rows);
        foreach (var reduction in new[] { FocalReduction.None, FocalReduction.Mean, FocalReduction.WeightedMean })
        {
            var (rowLosses, rowGradient) = Run<T>(rows, classes, reduction);
            var (stridedLosses, stridedGradient) = Run<T>(strided, shape, reduction);
            Assert.Equal(Bits(rowLosses), Bits(stridedLosses));
            for (var row = 0; row < rows.Rows; row++)
            {
                for (var c = 0; c < classes; c++)
                    Assert.Equal(Bits([rowGradient[(row * classes) + c]]), Bits([stridedGradient[Strided(row, c)]]));
            }
        }
    }

    private static (T[] Losses, T[] Gradient) Run<T>(SoftmaxCase value, SoftmaxShape shape, FocalReduction reduction)
        where T : unmanaged
    {
        var logits = Convert<T>(value.Logits);
        var gradient = new T[logits.Length];
        var weights = value.Weights is null ? null : Convert<T>(value.Weights);
        var options = value.Options<T>(reduction, weights);
        if (reduction.IsReduced)
        {
            var loss = value.Indices is not null
                ? SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, shape, gradient, options)
                : SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Convert<T>(value.Probabilities!), shape, gradient, options);
            return ([loss], gradient);
        }

        var losses = new T[value.Rows];
        if (value.Indices is not null)
            SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, shape, losses, gradient, options);
        else
            SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Convert<T>(value.Probabilities!), shape, losses, gradient, options);
        return (losses, gradient);
    }

    private static T[] Convert<T>(double[] values)
        where T : unmanaged
        => typeof(T) == typeof(Half) ? (T[])(object)values.Select(v => (Half)v).ToArray()
            : typeof(T) == typeof(float) ? (T[])(object)values.Select(v => (float)v).ToArray()
            : (T[])(object)values;

    /// <summary>Bit patterns, with every NaN one value (NaN rows are defined as NaN, not by payload).</summary>
    private static long[] Bits<T>(T[] values)
        where T : unmanaged
        => [.. values.Select(v => v switch
        {
            float f => float.IsNaN(f) ? -1 : BitConverter.SingleToInt32Bits(f),
            double d => double.IsNaN(d) ? -1 : BitConverter.DoubleToInt64Bits(d),
            Half h => Half.IsNaN(h) ? -1 : BitConverter.HalfToInt16Bits(h),
            _ => throw new NotSupportedException(),
        })];
}
