namespace FocalAot.Demo;

/// <summary>
/// Temperature scaling (Guo et al., 2017) fitted on validation logits with
/// <see cref="CalibrationMetrics.FitTemperature{T}(ReadOnlySpan{T}, ReadOnlySpan{byte})"/>. The fit can end at a
/// limit rather than a temperature: +∞ where the validation logits point the wrong way on average, and 0 where every
/// logit's sign matches its label, so that every sharpening lowers the loss. A limit cannot be applied, so the model is
/// then left as trained (<see cref="Applied"/> = 1) and the fit is counted as a fallback.
/// </summary>
/// <param name="Fitted">The fitted T &gt; 0; 0 or +∞ at a limit; NaN for a model without finite logits.</param>
internal readonly record struct TemperatureFit(double Fitted)
{
    /// <summary>Whether <see cref="Fitted"/> is a temperature that can be applied.</summary>
    public bool IsUsable => Fitted > 0 && double.IsFinite(Fitted);

    /// <summary>The temperature the test logits are divided by.</summary>
    public double Applied => IsUsable ? Fitted : 1;

    /// <summary>Fits the temperature of <paramref name="validation"/>'s logits (taken as trained, T = 1).</summary>
    public static TemperatureFit Fit(Predictions validation)
        => validation.IsFinite
            ? new TemperatureFit(CalibrationMetrics.FitTemperature<float>(validation.Logits, validation.Labels))
            : new TemperatureFit(double.NaN);
}
