namespace FocalAot.Demo;

/// <summary>How the test probabilities of a record were obtained.</summary>
internal enum ProbabilityScaling
{
    /// <summary>σ(logit), as trained.</summary>
    AsTrained,

    /// <summary>σ(logit / T) with T fitted on the validation split.</summary>
    TemperatureScaled,
}

/// <summary>One trained model's results on one problem and seed, as trained or after temperature scaling.</summary>
/// <param name="Ratio">Majority samples per minority sample.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Method">The training method.</param>
/// <param name="Scaling">How the test probabilities were obtained.</param>
/// <param name="Temperature">The temperature fit (the same in both records of a run).</param>
/// <param name="Metrics">The test-set metrics.</param>
/// <param name="Training">The training run (its timings).</param>
internal sealed record StudyRecord(
    int Ratio, int Seed, TrainingMethod Method, ProbabilityScaling Scaling, TemperatureFit Temperature, TestMetrics Metrics,
    TrainingResult Training);
