using System.Numerics;
using FocalAot.Properties.Generators;

namespace FocalAot.Properties.Support;

/// <summary>Every output of every operation on one case, to compare runs under different settings bit for bit.</summary>
internal sealed class Outputs<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly List<(string Name, T[] Values)> arrays = [];
    private readonly List<(string Name, T Value)> scalars = [];

    /// <summary>
    /// Runs every operation. <paramref name="compact"/> (for large inputs) keeps every per-element operation but
    /// only the separate sum (value and gradient) and the fused mean of the reductions.
    /// </summary>
    public static Outputs<T> Compute(FocalCase value, bool compact = false)
    {
        var outputs = new Outputs<T>();
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var n = value.Length;

        var losses = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options<T>());
        outputs.arrays.Add(("losses", losses));
        var gradient = new T[n];
        SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options<T>());
        outputs.arrays.Add(("gradient(upstream)", gradient));
        var fusedLosses = new T[n];
        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, value.Options<T>());
        outputs.arrays.Add(("fused losses", fusedLosses));
        outputs.arrays.Add(("fused gradient", fusedGradient));

        var scalarUpstream = T.CreateTruncating(n > 0 ? value.Upstream[0] : 1.0);
        foreach (var (reduction, _, name) in Reductions.For(value))
        {
            if (!compact || reduction.Kind == FocalReductionKind.Sum)
            {
                outputs.scalars.Add((name, SigmoidFocalLoss.Forward(x, y, value.Options<T>(reduction))));
                var reducedGradient = new T[n];
                SigmoidFocalLoss.Backward(x, y, scalarUpstream, reducedGradient, value.Options<T>(reduction));
                outputs.arrays.Add(($"gradient of {name}", reducedGradient));
            }

            if (!compact || reduction.Kind == FocalReductionKind.Mean)
            {
                var fusedReducedGradient = new T[n];
                outputs.scalars.Add(($"fused {name}", SigmoidFocalLoss.ForwardBackward(x, y, fusedReducedGradient, value.Options<T>(reduction))));
                outputs.arrays.Add(($"fused gradient of {name}", fusedReducedGradient));
            }
        }

        return outputs;
    }

    public void AssertSameAs(Outputs<T> other, string what)
    {
        for (var k = 0; k < arrays.Count; k++)
            Bits.AssertSame<T>(arrays[k].Values, other.arrays[k].Values, $"{what}: {arrays[k].Name}");
        for (var k = 0; k < scalars.Count; k++)
            Bits.AssertSame(scalars[k].Value, other.scalars[k].Value, $"{what}: {scalars[k].Name}");
    }
}
