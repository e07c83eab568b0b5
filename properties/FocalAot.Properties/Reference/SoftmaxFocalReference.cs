namespace FocalAot.Properties.Reference;

/// <summary>
/// An independent float64 reference for softmax focal loss, written from the definition
/// FL = -w Σ_j α_j y'_j (1 - p_j)^γ log p_j with p = softmax(x) and y' = (1 - ε) y + ε/C, in log space:
/// log p_j = (x_j - m) - log Σ exp(x_i - m), and 1 - p_j as the explicit mass of the other classes over the total
/// (no 1 - p). Only BCL double functions (Exp, Log, Pow) and an accurate log1p; the gradient is the chain rule
/// through the softmax, dFL/dx_k = Σ_j (dFL/dp_j) p_j (δ_jk - p_k), with each class's term written as non-negative parts.
/// </summary>
internal static class SoftmaxFocalReference
{
    /// <summary>
    /// One row's loss and gradient (before any upstream factor), and for each gradient element the sum of the magnitudes
    /// of its two parts, p_k Σ_{j≠k} g_j + (1 - p_k) g_k: the scale an error bound of the difference is relative to.
    /// </summary>
    /// <param name="x">The row's logits.</param>
    /// <param name="mass">The target distribution y' (label smoothing already applied) times α_j and the row weight.</param>
    /// <param name="gamma">γ.</param>
    public static (double Loss, double[] Gradient, double[] Scale) Row(ReadOnlySpan<double> x, ReadOnlySpan<double> mass, double gamma)
        => Row(x, mass, gamma, default, out _);

    /// <summary>
    /// The same with Poly-1's terms b_j (1 - p_j)^(γ+1) (<paramref name="polyMass"/>: b_j, or empty), and the sum of the
    /// magnitudes of the loss's terms (the scale its error is relative to when a negative ε makes terms cancel). A NaN
    /// <paramref name="gamma"/> is FLSD-53: γ = 5 for a class with p &lt; 0.2, else 3.
    /// </summary>
    public static (double Loss, double[] Gradient, double[] Scale) Row(
        ReadOnlySpan<double> x, ReadOnlySpan<double> mass, double gamma, ReadOnlySpan<double> polyMass, out double lossScale)
{
        var classes = x.Length;
        var gradient = new double[classes];
        var scale = new double[classes];
        var max = double.NegativeInfinity;
        foreach (var v in x)
            max = Math.Max(max, v);
        lossScale = 0;
        if (HasNaN(x) || !double.IsFinite(max))
        {
            Array.Fill(gradient, double.NaN);
            return (double.NaN, gradient, scale);
        }

        var e = new double[classes];
        var top = -1;
        for (var j = 0; j < classes; j++)
        {
            e[j] = Math.Exp(x[j] - max);
            if (top < 0 && x[j] == max)
                top = j;
        }

        // The mass besides the first class at the maximum; 1 - p_j for any j is (total - e_j) / total, summed
        // explicitly for the top class (e = 1 there) so that a confident row keeps its tiny complement.
        var others = 0.0;
        for (var j = 0; j < classes; j++)
        {
            if (j != top)
                others += e[j];
        }

        var total = 1 + others;
        var logTotal = FocalReference.Log1p(others);

        var loss = 0.0;
        var slopes = new double[classes];
        var slopeSizes = new double[classes];
        var p = new double[classes];
        var q = new double[classes];
        for (var j = 0; j < classes; j++)
        {
            p[j] = e[j] / total;
            q[j] = (j == top ? others : 1 + (others - e[j])) / total;
            var gammaOfClass = double.IsNaN(gamma) ? (p[j] < 0.2 ? 5.0 : 3.0) : gamma;
            var modulation = gammaOfClass == 0 ? 1.0 : Math.Pow(q[j], gammaOfClass);
            var poly = polyMass.IsEmpty ? 0.0 : polyMass[j];
            if (poly != 0)
            {
                // b q^(γ+1), whose p ∂/∂p is -(γ+1) b q^γ p.
                var term = poly * modulation * q[j];
                var slope = poly * (gammaOfClass + 1) * modulation * p[j];
                loss += term;
                lossScale += Math.Abs(term);
                slopes[j] += slope;
                slopeSizes[j] += Math.Abs(slope);
            }

            if (mass[j] == 0)
                continue;

            var minusLogP = (max - x[j]) + logTotal;
            var focal = mass[j] * modulation * minusLogP;
            loss += focal;
            lossScale += Math.Abs(focal);

            // p_j dFL_j/dp_j = -c q^γ [1 + γ p (-log p) / q] (the limit 1 + γ where q → 0 and p → 1).
            var ratio = q[j] == 0 ? 1.0 : (p[j] == 0 ? 0.0 : p[j] * (double.IsInfinity(minusLogP) ? 0.0 : minusLogP) / q[j]);
            var focalSlope = mass[j] * modulation * (1 + (gammaOfClass * ratio));
            slopes[j] += focalSlope;
            slopeSizes[j] += Math.Abs(focalSlope);
        }

        var sizeSum = 0.0;
        foreach (var size in slopeSizes)
            sizeSum += size;

        var slopeSum = 0.0;
        foreach (var g in slopes)
            slopeSum += g;
        for (var k = 0; k < classes; k++)
        {
            // Σ_j g_j p_k - g_k = p_k Σ_{j≠k} g_j - (1 - p_k) g_k; the sum of the others is explicit where g_k dominates
            // (by size: a negative Poly-1 ε makes terms negative).
            var othersSlope = slopeSum - slopes[k];
            if (slopeSizes[k] > sizeSum / 2)
            {
                othersSlope = 0;
                for (var j = 0; j < classes; j++)
                {
                    if (j != k)
                        othersSlope += slopes[j];
                }
            }

            gradient[k] = (p[k] * othersSlope) - (q[k] * slopes[k]);
            scale[k] = (p[k] * (sizeSum - slopeSizes[k])) + (q[k] * slopeSizes[k]);
        }

        return (loss, gradient, scale);
    }

    private static bool HasNaN(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (double.IsNaN(v))
                return true;
        }

        return false;
    }
}
