using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;

namespace FocalAot.Properties.Calibration;

/// <summary>Binary inputs of a binned metric: confidences (each a float, so float and double calls see the same values).</summary>
public sealed record BinaryCase(double[] Confidences, byte[] Labels, int Bins, CalibrationBinning Binning)
{
    public float[] Singles => [.. Confidences.Select(c => (float)c)];

    public override string ToString()
        => $"n = {Confidences.Length}, bins = {Bins}, {Binning}, first confidences [{string.Join(", ", Confidences.Take(6))}, ...]";
}

/// <summary>Multi-class inputs: [rows, classes] probabilities (floats) and class labels.</summary>
public sealed record MultiClassCase(double[] Probabilities, int[] Labels, int Classes, int Bins, CalibrationBinning Binning)
{
    public float[] Singles => [.. Probabilities.Select(p => (float)p)];

    public override string ToString() => $"rows = {Labels.Length}, classes = {Classes}, bins = {Bins}, {Binning}";
}

/// <summary>Generators of calibration inputs: lengths around every vector width and the 16,384-sample chunk, confidences on
/// and next to bin edges, exactly 0 and 1, ties, and labels drawn from the confidences.</summary>
public static class CalibrationCases
{
    /// <summary>Every tail length a 4-, 8- or 16-lane pass and the 16-lane canonical groups can leave, and a chunk edge.</summary>
    public static Gen<int> Length { get; } = Gen.Frequency(
        (6, Gen.Choose(0, 70)),
        (2, Gen.Choose(71, 600)),
        (1, Gen.Elements(16383, 16384, 16385, 16401, 32769)));

    public static Gen<int> Bins { get; } = Gen.Frequency((4, Gen.Choose(1, 20)), (1, Gen.Elements(1, 2, 10, 15, 64, 100, 4096)));

    public static Gen<CalibrationBinning> Binning { get; } = Gen.Elements(CalibrationBinning.EqualWidth, CalibrationBinning.EqualMass);

    /// <summary>A confidence (as a float) for <paramref name="bins"/> bins: uniform, on an edge k/B or one float ulp either
    /// side, 0, 1, or tiny.</summary>
    public static Gen<double> Confidence(int bins) => Gen.Frequency(
        (8, ScalarGenerators.Unit.Select(u => (double)(float)u)),
        (3, Gen.Choose(0, bins).Select(k => (double)(float)(k * (1.0 / bins)))),
        (2, Gen.Zip(Gen.Choose(0, bins), Gen.Elements(-1, 1)).Select(p => (double)Step((float)(p.Item1 * (1.0 / bins)), p.Item2))),
        (1, Gen.Elements(0.0, 1.0, (double)float.Epsilon, (double)1e-30f, (double)(1 - float.Epsilon))));

    public static Gen<BinaryCase> Binary { get; } =
        from length in Length
        from bins in Bins
        from binning in Binning
        from allExtreme in Gen.Frequency((12, Gen.Constant(false)), (1, Gen.Constant(true)))
        from confidences in (allExtreme ? Gen.Elements(0.0, 1.0) : Confidence(bins)).ArrayOf(length)
        from draws in ScalarGenerators.Unit.ArrayOf(length)
        select new BinaryCase(confidences, [.. confidences.Zip(draws, (c, u) => u < c ? (byte)1 : (byte)0)], bins, binning);

    public static Gen<MultiClassCase> MultiClass { get; } =
        from rows in Gen.Frequency((5, Gen.Choose(0, 60)), (1, Gen.Choose(61, 3000)))
        from classes in Gen.Frequency((4, Gen.Choose(1, 12)), (1, Gen.Elements(2, 100)))
        from bins in Bins
        from binning in Binning
        from scale in Gen.Elements(0.5, 3.0, 10.0)
        from logits in ScalarGenerators.Normal(0, scale).ArrayOf(rows * classes)
        from draws in ScalarGenerators.Unit.ArrayOf(rows)
        select Build(logits, draws, classes, bins, binning);

    /// <summary>Rows of softmax probabilities (rounded to float, so ties happen) and labels drawn from each row.</summary>
    private static MultiClassCase Build(double[] logits, double[] draws, int classes, int bins, CalibrationBinning binning)
    {
        var probabilities = new double[logits.Length];
        var labels = new int[draws.Length];
        for (var row = 0; row < draws.Length; row++)
        {
            var z = logits.AsSpan(row * classes, classes);
            var top = z.ToArray().Max();
            var total = z.ToArray().Sum(v => Math.Exp(v - top));
            var cumulative = 0.0;
            labels[row] = classes - 1;
            for (var k = 0; k < classes; k++)
            {
                probabilities[(row * classes) + k] = (float)(Math.Exp(z[k] - top) / total);
                cumulative += probabilities[(row * classes) + k];
                if (draws[row] < cumulative && labels[row] == classes - 1)
                    labels[row] = k;
            }
        }

        return new MultiClassCase(probabilities, labels, classes, bins, binning);
    }

    private static float Step(float value, int direction)
        => Math.Clamp(direction < 0 ? MathF.BitDecrement(value) : MathF.BitIncrement(value), 0f, 1f);
}
