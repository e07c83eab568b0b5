namespace FocalAot.Properties.Reference;

/// <summary>
/// An independent float64 reference for sigmoid focal loss, written from the definition
/// FL = -α_t (1 - p_t)^γ log(p_t), p = σ(x), p_t = p y + (1 - p)(1 - y), α_t = α y + (1 - α)(1 - y),
/// and its derivative by the product rule. It uses only BCL double functions (Exp, Log, Pow) plus an
/// accurate log1p, evaluates every quantity as a sum of non-negative parts where the math allows, and
/// states the limits at x = ±∞ explicitly instead of evaluating through them.
/// </summary>
internal static class FocalReference
{
    /// <summary>α_t: α for a positive, 1 - α for a negative, linear in between; 1 when α &lt; 0 (no weighting).</summary>
    public static double ClassWeight(double y, double alpha) => alpha < 0 ? 1.0 : (alpha * y) + ((1 - alpha) * (1 - y));

    /// <summary>σ(x) = 1 / (1 + e^-x). Exact limits at ±∞, relative error of a few ulp elsewhere.</summary>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>
    /// log(1 + u) to a few ulp for u ≥ 0. (The BCL's double.LogP1 is Log(1 + u), which loses every digit
    /// of u below 1e-16.) The correction u / ((1 + u) - 1) undoes the rounding of 1 + u (Goldberg, 1991).
    /// </summary>
    public static double Log1p(double u)
    {
        var w = 1.0 + u;
        if (w == 1.0)
            return u;
        return double.IsPositiveInfinity(w) ? w : Math.Log(w) * u / (w - 1.0);
    }

    /// <summary>softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|): a sum of non-negative parts.</summary>
    public static double Softplus(double z)
        => double.IsPositiveInfinity(z) ? z : Math.Max(z, 0) + Log1p(Math.Exp(-Math.Abs(z)));

    /// <summary>
    /// Binary cross-entropy with logits, -[y log σ(x) + (1 - y) log σ(-x)] = y softplus(-x) + (1 - y) softplus(x).
    /// Each side is evaluated only when its weight is non-zero, so the ±∞ limits come out right (0, not 0·∞).
    /// </summary>
    public static double CrossEntropy(double x, double y)
    {
        var positive = y == 0 ? 0.0 : y * Softplus(-x);
        var negative = y == 1 ? 0.0 : (1 - y) * Softplus(x);
        return positive + negative;
    }

    /// <summary>dBCE/dx = σ(x) - y, as (1 - y) σ(x) - y σ(-x) (no rounded 1 - p).</summary>
    public static double CrossEntropyGradient(double x, double y) => ((1 - y) * Sigmoid(x)) - (y * Sigmoid(-x));

    /// <summary>The focal loss of one element.</summary>
    public static double Loss(double x, double y, double gamma, double alpha)
    {
        var weight = ClassWeight(y, alpha);
        if (double.IsNaN(x))
            return double.NaN;
        if (double.IsInfinity(x))
        {
            // x → +∞: q → 1 - y > 0 when y < 1, BCE ~ (1 - y) x → ∞.  x → -∞: q → y, BCE ~ y |x|.
            var wrongSide = x > 0 ? 1 - y : y;
            return wrongSide > 0 && weight > 0 ? double.PositiveInfinity : 0.0;
        }

        return weight * Modulation(x, y, gamma) * CrossEntropy(x, y);
    }

    /// <summary>
    /// dFL/dx. With q = 1 - p_t = y σ(-x) + (1 - y) σ(x), m = q^γ and dq/dx = (1 - 2y) σ(x) σ(-x):
    /// dFL/dx = α_t [γ q^(γ-1) dq/dx · BCE + m · dBCE/dx] = α_t m [γ (1 - 2y) r BCE + (σ(x) - y)],
    /// r = σ(x) σ(-x) / q (which is σ(x) for y = 1 and σ(-x) for y = 0, and never needs q^(γ-1) at q = 0).
    /// </summary>
    public static double Gradient(double x, double y, double gamma, double alpha)
    {
        var weight = ClassWeight(y, alpha);
        if (double.IsNaN(x))
            return double.NaN;
        if (double.IsPositiveInfinity(x))
            return weight * Math.Pow(1 - y, gamma + 1);     // m → (1-y)^γ, σ(x) - y → 1 - y, r·BCE → 0
        if (double.IsNegativeInfinity(x))
            return -weight * Math.Pow(y, gamma + 1);        // m → y^γ, σ(x) - y → -y, r·BCE → 0

        var (focusing, crossEntropy) = GradientTerms(x, y, gamma);
        return weight * Modulation(x, y, gamma) * (focusing + crossEntropy);
    }

    /// <summary>
    /// The magnitude of the gradient's parts, α_t m (|γ (1 - 2y) r BCE| + (1 - y) σ(x) + y σ(-x)): the scale the
    /// accuracy promise for soft labels is relative to (for hard labels it equals |gradient|).
    /// </summary>
    public static double GradientMagnitude(double x, double y, double gamma, double alpha)
    {
        var weight = ClassWeight(y, alpha);
        if (double.IsNaN(x))
            return double.NaN;
        if (double.IsPositiveInfinity(x))
            return weight * Math.Pow(1 - y, gamma + 1);
        if (double.IsNegativeInfinity(x))
            return weight * Math.Pow(y, gamma + 1);

        var (focusing, _) = GradientTerms(x, y, gamma);
        var parts = Math.Abs(focusing) + ((1 - y) * Sigmoid(x)) + (y * Sigmoid(-x));
        return weight * Modulation(x, y, gamma) * parts;
    }

    /// <summary>dFL/dx by Richardson-extrapolated central differences of <see cref="Loss"/> (error O(h⁴)).</summary>
    public static double GradientByFiniteDifference(double x, double y, double gamma, double alpha, double step)
    {
        double Central(double h) => (Loss(x + h, y, gamma, alpha) - Loss(x - h, y, gamma, alpha)) / (2 * h);
        return ((4 * Central(step / 2)) - Central(step)) / 3;
    }

    /// <summary>1 - p_t as y σ(-x) + (1 - y) σ(x), both parts non-negative.</summary>
    private static double OneMinusPt(double x, double y) => (y * Sigmoid(-x)) + ((1 - y) * Sigmoid(x));

    /// <summary>m = (1 - p_t)^γ, with 0^0 = 1.</summary>
    /// <summary>(1 - p_t)^γ.</summary>
    public static double Modulation(double x, double y, double gamma) => gamma == 0 ? 1.0 : Math.Pow(OneMinusPt(x, y), gamma);

    /// <summary>The two bracketed parts of the gradient over α_t m: γ (1 - 2y) r BCE and σ(x) - y.</summary>
    private static (double Focusing, double CrossEntropy) GradientTerms(double x, double y, double gamma)
    {
        var sigmaX = Sigmoid(x);
        var sigmaMinusX = Sigmoid(-x);
        double r;
        if (y == 1)
            r = sigmaX;
        else if (y == 0)
            r = sigmaMinusX;
        else
        {
            var q = OneMinusPt(x, y);
            r = q > 0 ? sigmaX * sigmaMinusX / q : 0.0;
        }

        var focusing = gamma == 0 ? 0.0 : gamma * (1 - (2 * y)) * r * CrossEntropy(x, y);
        return (focusing, CrossEntropyGradient(x, y));
    }
}
