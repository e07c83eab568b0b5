using FocalAot.Properties.Generators;

namespace FocalAot.Properties.Support;

/// <summary>Every output of every operation on one case, to compare runs under different settings bit for bit.</summary>
/// <typeparam name="T">The element type of the calls: float, double, Half or BFloat16.</typeparam>
internal sealed class Outputs<T>
    where T : unmanaged
{
    private readonly List<(string Name, T[] Values)> arrays = [];
    private readonly List<(string Name, T Value)> scalars = [];

    /// <summary>
    /// Runs every operation. <paramref name="compact"/> (for large inputs) keeps every per-element operation but
    /// only the separate sum (value and gradient) and the fused mean of the reductions.
    /// </summary>
    public static Outputs<T> Compute(FocalCase value, bool compact = false)
        => Compute(new WeightedCase(value, null, null), compact, weightedMean: false);

    /// <summary>
    /// Runs every operation with the case's weights and class α. The reductions include the weighted mean;
    /// <paramref name="compact"/> keeps the separate sum and the fused mean and weighted mean.
    /// </summary>
    public static Outputs<T> Compute(WeightedCase value, bool compact = false)
        => Compute(value, compact, weightedMean: true);

    private static Outputs<T> Compute(WeightedCase value, bool compact, bool weightedMean)
    {
        var outputs = new Outputs<T>();
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var upstream = Stored.From<T>(value.Value.Upstream);
        var weights = value.Weights is null ? null : Stored.From<T>(value.Weights);
        var n = value.Length;

        var losses = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(weights));
        outputs.arrays.Add(("losses", losses));
        var gradient = new T[n];
        SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options(weights));
        outputs.arrays.Add(("gradient(upstream)", gradient));
        var fusedLosses = new T[n];
        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, value.Options(weights));
        outputs.arrays.Add(("fused losses", fusedLosses));
        outputs.arrays.Add(("fused gradient", fusedGradient));

        var scalarUpstream = Stored.From<T>(n > 0 ? value.Value.Upstream[0] : 1.0);
        var reductions = weightedMean ? Reductions.For(value, weights is null ? [] : Stored.ToDouble<T>(weights)) : Reductions.For(value.Value);
        foreach (var (reduction, _, name) in reductions)
        {
            if (!compact || reduction.Kind == FocalReductionKind.Sum)
            {
                outputs.scalars.Add((name, SigmoidFocalLoss.Forward(x, y, value.Options(weights, reduction))));
                var reducedGradient = new T[n];
                SigmoidFocalLoss.Backward(x, y, scalarUpstream, reducedGradient, value.Options(weights, reduction));
                outputs.arrays.Add(($"gradient of {name}", reducedGradient));
            }

            if (!compact || reduction.Kind is FocalReductionKind.Mean or FocalReductionKind.WeightedMean)
            {
                var fusedReducedGradient = new T[n];
                outputs.scalars.Add(($"fused {name}",
                    SigmoidFocalLoss.ForwardBackward(x, y, fusedReducedGradient, value.Options(weights, reduction))));
                outputs.arrays.Add(($"fused gradient of {name}", fusedReducedGradient));
            }
        }

        return outputs;
    }

    public void AssertSameAs(Outputs<T> other, string what)
    {
        for (var k = 0; k < arrays.Count; k++)
            Stored.AssertSame<T>(arrays[k].Values, other.arrays[k].Values, $"{what}: {arrays[k].Name}");
        for (var k = 0; k < scalars.Count; k++)
            Stored.AssertSame(scalars[k].Value, other.scalars[k].Value, $"{what}: {scalars[k].Name}");
    }
}
