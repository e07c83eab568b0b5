namespace FocalAot.Properties.Generators;

/// <summary>
/// Large inputs (10^5..10^7 elements) drawn with <see cref="Random"/> from a seed, in the same mixture as
/// <see cref="ScalarGenerators"/> but fast enough for sizes where a per-element FsCheck generator would dominate the run.
/// </summary>
public static class BulkInputs
{
    /// <summary>Which targets to draw.</summary>
    public enum Labels
    {
        Hard,
        Soft,
        Mixed,
    }

    public static FocalCase Create(int seed, int length, Labels labels, double gamma, double alpha, bool infinities = true)
    {
        var random = new Random(seed);
        var logits = new double[length];
        var targets = new double[length];
        var upstream = new double[length];
        for (var i = 0; i < length; i++)
        {
            logits[i] = Logit(random, infinities);
            targets[i] = Target(random, labels);
            upstream[i] = Normal(random);
        }

        return new FocalCase(logits, targets, upstream, gamma, alpha);
    }

    public static double Target(Random random, Labels labels) => labels switch
    {
        Labels.Hard => random.Next(2),
        Labels.Soft => random.NextDouble(),
        _ => random.Next(3) switch { 0 => 0.0, 1 => 1.0, _ => random.NextDouble() },
    };

    public static double Logit(Random random, bool infinities)
    {
        var pick = random.Next(1000);
        return pick switch
        {
            < 700 => 3 * Normal(random),
            < 850 => Math.Exp(Math.Log(1e-3) + (Math.Log(1e7) * random.NextDouble())) * Sign(random),   // |x| in [1e-3, 1e4]
            < 950 => (random.NextDouble() * 2e4) - 1e4,
            < 990 => Math.Exp(Math.Log(1e-30) + (Math.Log(1e27) * random.NextDouble())) * Sign(random), // |x| in [1e-30, 1e-3]
            _ when infinities && pick < 995 => Sign(random) * double.PositiveInfinity,
            _ => 0.0,
        };
    }

    private static double Sign(Random random) => random.Next(2) == 0 ? -1.0 : 1.0;

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
