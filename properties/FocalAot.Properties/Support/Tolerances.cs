namespace FocalAot.Properties.Support;

/// <summary>The accuracy promises of the runtime (docs/NUMERICS.md §6 and the API contract), as named bounds.</summary>
internal static class Tolerances
{
    /// <summary>Promised per-element relative error of float loss and gradient against the float64 reference.</summary>
    public const double FloatRelative = 2e-6;

    /// <summary>
    /// Float loss and gradient of a label of 0 or 1 at a γ in (0, 8] without a specialization, whose power comes from
    /// the margin (docs/NUMERICS.md §3): tighter than <see cref="FloatRelative"/>, which the power of q (soft labels)
    /// needs toward γ = 8.
    /// </summary>
    public const double MarginPowerRelative = 1.2e-6;

    /// <summary>Promised per-element relative error of double loss and gradient against the float64 reference.</summary>
    public const double DoubleRelative = 1e-13;

    /// <summary>Below this |reference| no relative promise holds; the error must then stay under it in absolute terms.</summary>
    public const double AbsoluteFloor = 1e-30;

    /// <summary>Promised relative error of float sums and means against the float64 sum of reference losses (n ≤ 2^24).</summary>
    public const double FloatSumRelative = 1e-6;

    /// <summary>
    /// Double sums: the per-element bound (each term non-negative, so it carries over to the sum) plus the rounding of
    /// a double sum, at most (n - 1) units of 2^-53 relative for non-negative terms.
    /// </summary>
    public static double DoubleSumRelative(int count) => DoubleRelative + (Math.Max(count - 1, 0) * UnitRoundoff);

    /// <summary>2^-53, the unit roundoff of double.</summary>
    public const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>Step of the finite-difference check (Richardson over h and h/2: truncation error ~h⁴, rounding ~ε/h).</summary>
    public const double FiniteDifferenceStep = 1e-3;

    /// <summary>
    /// Allowed gap between a finite-difference derivative and the analytic gradient, relative to the gradient's parts
    /// plus the loss: the O(h⁴) truncation (~1e-12 times derivatives up to ~(γ+1)^5) and ε/h rounding (~1e-13) stay under it.
    /// </summary>
    public const double FiniteDifferenceRelative = 1e-7;

    /// <summary>A mean equals (T)(sum / n): against the returned float sum divided by n, one float ulp covers the double rounding.</summary>
    public const int MeanUlps = 1;

    /// <summary>The promised per-element relative error of a call stored in <typeparamref name="T"/>: the double bound for
    /// double, else the float bound (float computes in itself, Half and BFloat16 compute in float).</summary>
    public static double Relative<T>() => typeof(T) == typeof(double) ? DoubleRelative : FloatRelative;

    /// <summary>The promised relative error of a sum or mean of <paramref name="count"/> losses computed for <typeparamref name="T"/>.</summary>
    public static double SumRelative<T>(int count) => typeof(T) == typeof(double) ? DoubleSumRelative(count) : FloatSumRelative;

    /// <summary>
    /// The relative error of a weighted mean of <paramref name="count"/> losses: that of the weighted sum, plus the
    /// denominator's (a double sum of non-negative weights, at most (n - 1) units of 2^-53) and the division's one unit.
    /// </summary>
    public static double WeightedMeanRelative<T>(int count) => SumRelative<T>(count) + (Math.Max(count, 1) * UnitRoundoff);
}
