namespace FocalAot.Properties.Reference;

/// <summary>
/// The float64 reference of the focal family on the sigmoid form, from <see cref="FocalReference"/>: Poly-1 adds
/// ε q^(γ+1) to the loss (no α) and its derivative ε (γ + 1) q^γ (1 - 2y) σ(x) σ(-x) to the gradient; FLSD-53 takes
/// γ = 5 where q = 1 - p_t &gt; 0.8, else 3.
/// </summary>
internal static class SigmoidFocalFamilyReference
{
    /// <summary>q = 1 - p_t = y σ(-x) + (1 - y) σ(x), with its limits at ±∞.</summary>
    public static double Complement(double x, double y)
        => double.IsPositiveInfinity(x) ? 1 - y
            : double.IsNegativeInfinity(x) ? y
            : (y * FocalReference.Sigmoid(-x)) + ((1 - y) * FocalReference.Sigmoid(x));

    /// <summary>FLSD-53's γ for q, or <paramref name="gamma"/> when the γ is fixed.</summary>
    public static double GammaOf(double x, double y, double gamma, bool sampleDependent)
        => !sampleDependent ? gamma : Complement(x, y) > 0.8 ? 5 : 3;

    /// <summary>The loss and the size of its two parts (the scale a rounding error is relative to).</summary>
    public static (double Value, double Size) Loss(double x, double y, double gamma, double alpha, double polyEpsilon)
    {
        var focal = FocalReference.Loss(x, y, gamma, alpha);
        if (double.IsNaN(x))
            return (double.NaN, double.NaN);
        var q = Complement(x, y);
        var poly = polyEpsilon == 0 ? 0 : polyEpsilon * Math.Pow(q, gamma + 1);
        return (focal + poly, Math.Abs(focal) + Math.Abs(poly));
    }

    /// <summary>The gradient and the size of its parts.</summary>
    public static (double Value, double Size) Gradient(double x, double y, double gamma, double alpha, double polyEpsilon)
    {
        var focal = FocalReference.Gradient(x, y, gamma, alpha);
        if (double.IsNaN(x))
            return (double.NaN, double.NaN);
        var size = FocalReference.GradientMagnitude(x, y, gamma, alpha);
        if (polyEpsilon == 0 || double.IsInfinity(x))
            return (focal, size);
        var slopeOfQ = (1 - (2 * y)) * FocalReference.Sigmoid(x) * FocalReference.Sigmoid(-x);
        var poly = polyEpsilon * (gamma + 1) * FocalReference.Modulation(x, y, gamma) * slopeOfQ;
        return (focal + poly, size + Math.Abs(poly));
    }
}
