namespace FocalAot;

/// <summary>How <see cref="CalibrationMetrics"/> splits the confidence axis [0, 1] into bins: scikit-learn's
/// <c>calibration_curve</c> strategies, with its bin edges bit for bit.</summary>
/// <remarks>
/// A confidence c goes to the bin of the number of interior edges strictly below it (numpy's
/// <c>searchsorted(edges[1:-1], c)</c>, side left): bins are closed on the right, the first one is [0, e₁] and the
/// last one (e_{B−1}, 1].
/// </remarks>
public enum CalibrationBinning
{
    /// <summary>B bins of equal width. Edge k is fl(k · fl(1/B)) in double, as numpy's <c>linspace(0, 1, B + 1)</c> computes
    /// it (scikit-learn's <c>strategy='uniform'</c>), so c = k/B belongs to bin k − 1 exactly as it does there.</summary>
    EqualWidth = 0,

    /// <summary>B bins of about equal mass: edge k is the k/B quantile of the confidences with linear interpolation, as
    /// numpy's <c>percentile</c> computes it (scikit-learn's <c>strategy='quantile'</c>). Ties can leave bins empty.</summary>
    EqualMass = 1,
}
