namespace FocalAot.Calibration;

/// <summary>
/// Finds the temperature that minimizes the validation negative log-likelihood: the root of L′(β), β = 1/T, a convex
/// problem, by Newton's method on the exact L′ and L″ safeguarded by a bracket [low, high] with L′(low) &lt; 0 &lt; L′(high)
/// (a step that leaves the bracket is replaced by bisection).
/// </summary>
internal static class TemperatureSolver
{
    /// <summary>The most Newton or bisection steps; convergence is quadratic, so about ten are used in practice.</summary>
    private const int MaxSteps = 200;

    /// <summary>β stops doubling here: the loss still falls, so the best temperature is below 1e-300 (0 is returned).</summary>
    private const double LargestBeta = 1e300;

    /// <summary>Newton stops when a step is below this much of β (about 5 ulp), or the bracket is this narrow.</summary>
    private const double RelativeTolerance = 1e-15;

    public static double Fit<TObjective>(scoped in TObjective objective)
        where TObjective : ITemperatureObjective, allows ref struct
    {
        // L′(0) ≥ 0: uniform predictions are at least as good as any positive β (the logits point the wrong way on average).
        if (objective.Derivatives(0).Slope >= 0)
            return double.PositiveInfinity;

        // Labels ranked first everywhere: the NLL falls for every T, and in double reaches 0 at some T > 0, where the slope
        // underflows to 0 and would pass for a minimum.
        if (objective.RanksEveryLabelFirst())
            return 0;

        double low = 0, high = 1;
        var (slope, curvature) = objective.Derivatives(high);
        while (slope < 0)
        {
            low = high;
            high *= 2;
            if (high > LargestBeta)
                return 0;
            (slope, curvature) = objective.Derivatives(high);
        }

        var beta = high;
        for (var step = 0; step < MaxSteps && slope != 0; step++)
        {
            if (slope < 0)
                low = beta;
            else
                high = beta;

            var newton = beta - (slope / curvature);
            var next = curvature > 0 && newton > low && newton < high ? newton : low + ((high - low) / 2);
            var converged = Math.Abs(next - beta) <= RelativeTolerance * beta || high - low <= RelativeTolerance * high;
            beta = next;
            if (converged)
                break;
            (slope, curvature) = objective.Derivatives(beta);
        }

        return 1 / beta;
    }
}
