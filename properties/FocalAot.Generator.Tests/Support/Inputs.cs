using System.Numerics;

namespace FocalAot.Generator.Tests.Support;

/// <summary>Which logits an input set has.</summary>
public enum LogitKind
{
    /// <summary>N(0, 3): the usual range of a classifier's logits.</summary>
    Normal,

    /// <summary>Magnitudes spread log-uniformly over 1e-4 .. 1e3, either sign, with some exact zeros: saturated and tiny logits.</summary>
    Wide,
}

/// <summary>Which targets an input set has.</summary>
public enum TargetKind
{
    /// <summary>0 or 1.</summary>
    Hard,

    /// <summary>Uniform in [0, 1], with some exact 0, 1 and 0.5.</summary>
    Soft,
}

/// <summary>Reproducible random inputs for the kernels.</summary>
internal static class Inputs
{
    /// <summary>Lengths that cover every tail of every SIMD width (0..40) and a run of blocks (1000).</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 41).Append(1000);

    public static (T[] Logits, T[] Targets, T[] Upstream) Make<T>(int length, LogitKind logits, TargetKind targets, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var x = new T[length];
        var y = new T[length];
        var upstream = new T[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = T.CreateTruncating(logits == LogitKind.Normal ? 3 * Gaussian(random) : Wide(random));
            y[i] = T.CreateTruncating(targets == TargetKind.Hard ? random.Next(2) : Soft(random));
            upstream[i] = T.CreateTruncating(Gaussian(random));
        }

        return (x, y, upstream);
    }

    /// <summary>Per-element weights: some 0 (the element ignored), 1, fractions and values above 1.</summary>
    public static T[] Weights<T>(int length, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var weights = new T[length];
        for (var i = 0; i < length; i++)
        {
            weights[i] = T.CreateTruncating(random.Next(6) switch
            {
                0 => 0,
                1 => 1,
                2 => 0.5,
                _ => 3 * random.NextDouble(),
            });
        }

        return weights;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Wide(Random random)
        => random.Next(16) == 0 ? 0 : (random.Next(2) == 0 ? -1 : 1) * Math.Pow(10, -4 + (7 * random.NextDouble()));

    private static double Soft(Random random) => random.Next(8) switch
    {
        0 => 0,
        1 => 1,
        2 => 0.5,
        _ => random.NextDouble(),
    };
}
