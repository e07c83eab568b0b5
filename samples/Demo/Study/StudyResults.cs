namespace FocalAot.Demo;

/// <summary>What the study's grid produced, for the CSV, the summary and the charts.</summary>
/// <param name="Records">Every run's results, as trained and temperature-scaled.</param>
/// <param name="ReliabilityCurves">
/// At <see cref="StudyPlan.FocusRatio"/>, the test-set reliability curves of the charted methods (by name and
/// scaling), one per seed.
/// </param>
/// <param name="TimingBatch">One training batch of test logits and targets from a cross-entropy model at
/// <see cref="StudyPlan.FocusRatio"/>: realistic inputs for <see cref="KernelTiming"/>.</param>
internal sealed record StudyResults(
    IReadOnlyList<StudyRecord> Records,
    IReadOnlyDictionary<(string Method, ProbabilityScaling Scaling), List<ReliabilityCurve>> ReliabilityCurves,
    (float[] Logits, float[] Targets) TimingBatch);
