namespace FocalAot.Demo;

/// <summary>One method's run in the demo: how it trained and how it does on the test set.</summary>
/// <param name="Method">The method.</param>
/// <param name="Training">The trained model and its timings.</param>
/// <param name="Metrics">Its test-set metrics.</param>
/// <param name="Reliability">Its test-set reliability diagram.</param>
internal sealed record DemoOutcome(TrainingMethod Method, TrainingResult Training, TestMetrics Metrics, ReliabilityCurve Reliability);
