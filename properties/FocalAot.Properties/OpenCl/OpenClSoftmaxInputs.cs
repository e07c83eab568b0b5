namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Seeded softmax inputs for device-versus-CPU comparisons, [N, C, S] with N·S samples: rows spread (normal), confident
/// (one class far ahead, up to 1e4), tied at the maximum, at ±1e4, with -∞ logits, and (unless finite) rows with a NaN or
/// +∞ logit; class indices (some equal to the ignore index when asked), soft targets with exact zeros and ones, weights
/// with exact zeros and a log-uniform spread, and upstream gradients of both signs.
/// </summary>
internal sealed record OpenClSoftmaxInputs(double[] Logits, long[] Indices, double[] Probabilities, double[] Weights, double[] Upstream)
{
    public const long IgnoreIndex = -100;

    public int Samples => Indices.Length;

    /// <param name="seed">The seed.</param>
    /// <param name="samples">N·S.</param>
    /// <param name="shape">C and S.</param>
    /// <param name="finite">Whether every row's softmax is defined (no NaN or +∞ logit, not every logit -∞).</param>
    /// <param name="ignore">Whether some class indices are the ignore index.</param>
    public static OpenClSoftmaxInputs Create(int seed, int samples, SoftmaxShape shape, bool finite, bool ignore)
    {
        var random = new Random(seed);
        var classes = shape.Classes;
        var logits = new double[samples * classes];
        var indices = new long[samples];
        var probabilities = new double[samples * classes];
        var weights = new double[samples];
        var upstream = new double[samples];
        var row = new double[classes];
        for (var sample = 0; sample < samples; sample++)
        {
            FillRow(random, row, finite);

            // Sample n·S + s has its class c at (n·C + c)·S + s.
            var first = (sample / shape.Spatial * classes * shape.Spatial) + (sample % shape.Spatial);
            for (var c = 0; c < classes; c++)
            {
                logits[first + (c * shape.Spatial)] = row[c];
                probabilities[first + (c * shape.Spatial)] = random.Next(4) switch { 0 => 0.0, 1 => 1.0, _ => random.NextDouble() };
            }

            indices[sample] = ignore && random.Next(6) == 0 ? IgnoreIndex : random.Next(classes);
            weights[sample] = random.Next(6) switch
            {
                0 => 0.0,
                1 => 1.0,
                2 => Math.Exp((random.NextDouble() * 13.8) - 6.9),
                _ => random.NextDouble() * 2,
            };
            upstream[sample] = Normal(random);
        }

        return new OpenClSoftmaxInputs(logits, indices, probabilities, weights, upstream);
    }

    private static void FillRow(Random random, double[] row, bool finite)
    {
        var kind = random.Next(finite ? 6 : 7);
        for (var c = 0; c < row.Length; c++)
        {
            row[c] = kind switch
            {
                3 => random.Next(3) switch { 0 => 1e4, 1 => -1e4, _ => 0.0 },
                _ => (double)(float)(Normal(random) * 3),
            };
        }

        var at = random.Next(row.Length);
        switch (kind)
        {
            case 1:
                row[at] = (double)(float)(row.Max() + (new[] { 10.0, 30.0, 90.0, 200.0, 1e4 })[random.Next(5)]);
                break;
            case 2:
                row[at] = row[random.Next(row.Length)] = row.Max();
                break;
            case 4:
                row[at] = double.NegativeInfinity;
                break;
            case 6:
                row[at] = random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
                if (row[at] == double.NegativeInfinity)
                    Array.Fill(row, double.NegativeInfinity);
                break;
        }
    }

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
