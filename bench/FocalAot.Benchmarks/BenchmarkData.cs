namespace FocalAot.Benchmarks;

/// <summary>The inputs every benchmark uses: fixed seed, logits ~ N(0, 3), about 1 positive target in 100.</summary>
internal static class BenchmarkData
{
    public const int Seed = 20170807;
    public const double LogitStandardDeviation = 3.0;
    public const double PositiveRate = 0.01;

    public static (float[] Logits, float[] Targets) Create(int n)
    {
        var random = new Random(Seed);
        var logits = new float[n];
        var targets = new float[n];
        for (var i = 0; i < n; i++)
        {
            logits[i] = (float)(LogitStandardDeviation * StandardNormal(random));
            targets[i] = random.NextDouble() < PositiveRate ? 1f : 0f;
        }

        return (logits, targets);
    }

    /// <summary>Per-element weights for <paramref name="n"/> elements, uniform in [0, 2) (its own fixed seed).</summary>
    public static float[] CreateWeights(int n)
    {
        var random = new Random(Seed + 1);
        var weights = new float[n];
        for (var i = 0; i < n; i++)
            weights[i] = (float)(2.0 * random.NextDouble());
        return weights;
    }

    /// <summary>One α per class for <paramref name="classes"/> classes, spread over [0.05, 0.95].</summary>
    public static double[] CreateClassAlpha(int classes)
        => [.. Enumerable.Range(0, classes).Select(c => 0.05 + 0.9 * c / Math.Max(1, classes - 1))];

    // Box-Muller; one of the pair is enough here.
    private static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fails the setup when γ would not run the kernel the benchmark claims to measure.</summary>
    public static void RequireSpecialized(double gamma)
    {
        var kernel = SigmoidFocalLoss.DescribeKernel(gamma, Precision.Single);
        if (!kernel.StartsWith("specialized", StringComparison.Ordinal))
            throw new InvalidOperationException($"γ = {gamma} is expected to dispatch to a built-in specialization, got: {kernel}");
    }
}
