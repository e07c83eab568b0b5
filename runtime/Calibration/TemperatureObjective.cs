using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// The derivatives of the summed negative log-likelihood of temperature-scaled logits with respect to the inverse
/// temperature β = 1/T, where the loss is convex: for softmax(β z), L′(β) = Σ (E_p[z] − z_label) and L″(β) = Σ Var_p(z);
/// a sigmoid is the two-class softmax of [0, z]. Sums are in the canonical order, so each value is reproducible.
/// </summary>
internal interface ITemperatureObjective
{
    /// <summary>(L′(β), L″(β)).</summary>
    (double Slope, double Curvature) Derivatives(double beta);

    /// <summary>Whether every sample's label has the largest logit (ties allowed): then no sample's loss rises with β, and the
    /// NLL falls all the way to T → 0.</summary>
    bool RanksEveryLabelFirst();
}

/// <summary>Binary logits z with 0/1 labels: L′ = Σ (σ(βz) − y)·z, L″ = Σ σ(βz)·σ(−βz)·z².</summary>
internal readonly ref struct BinaryTemperatureObjective<T>(ReadOnlySpan<T> logits, ReadOnlySpan<byte> labels) : ITemperatureObjective
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> logits = logits;
    private readonly ReadOnlySpan<byte> labels = labels;

    public (double Slope, double Curvature) Derivatives(double beta)
    {
        var slope = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        var curvature = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var i = 0; i < logits.Length; i++)
        {
            var z = double.CreateTruncating(logits[i]);
            var x = beta * z;
            // σ(|x|) and σ(−|x|) from one exponential of a non-positive argument: neither overflows.
            var e = Math.Exp(-Math.Abs(x));
            var large = 1 / (1 + e);
            var small = e * large;
            var p = x >= 0 ? large : small;
            var q = x >= 0 ? small : large;
            slope.Add((labels[i] == 1 ? -q : p) * z);
            curvature.Add(large * small * z * z);
        }

        return (slope.Total(), curvature.Total());
    }

    public bool RanksEveryLabelFirst()
    {
        for (var i = 0; i < logits.Length; i++)
        {
            if (labels[i] == 1 ? logits[i] < T.Zero : logits[i] > T.Zero)
                return false;
        }

        return true;
    }
}

/// <summary>Rows of class logits with class-index labels: L′ = Σ (E_p[z] − z_label), L″ = Σ Var_p(z), with p = softmax(βz)
/// formed from z − max z (no overflow) and the variance from the centred values (no cancellation).</summary>
internal readonly ref struct SoftmaxTemperatureObjective<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes)
    : ITemperatureObjective
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> logits = logits;
    private readonly ReadOnlySpan<int> labels = labels;

    public (double Slope, double Curvature) Derivatives(double beta)
    {
        var slope = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        var curvature = new FixedOrderSum(stackalloc double[BlockGeometry.CanonicalLanes]);
        for (var row = 0; row < labels.Length; row++)
        {
            var z = logits.Slice(row * classes, classes);
            var top = double.NegativeInfinity;
            foreach (var value in z)
                top = Math.Max(top, double.CreateTruncating(value));

            double mass = 0, moment = 0;
            foreach (var value in z)
            {
                var centred = double.CreateTruncating(value) - top;
                var weight = Math.Exp(beta * centred);
                mass += weight;
                moment += weight * centred;
            }

            var mean = moment / mass;
            var spread = 0.0;
            foreach (var value in z)
            {
                var centred = double.CreateTruncating(value) - top;
                var deviation = centred - mean;
                spread += Math.Exp(beta * centred) * deviation * deviation;
            }

            slope.Add(mean - (double.CreateTruncating(z[labels[row]]) - top));
            curvature.Add(spread / mass);
        }

        return (slope.Total(), curvature.Total());
    }

    public bool RanksEveryLabelFirst()
    {
        for (var row = 0; row < labels.Length; row++)
        {
            var z = logits.Slice(row * classes, classes);
            var label = z[labels[row]];
            foreach (var value in z)
            {
                if (value > label)
                    return false;
            }
        }

        return true;
    }
}
