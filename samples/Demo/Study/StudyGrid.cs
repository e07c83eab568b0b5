using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// Runs the study's grid: for each ratio and seed one data set, and on it every method trained, its temperature
/// fitted on the validation split, and its test metrics taken as trained and after scaling.
/// </summary>
internal static class StudyGrid
{
    /// <summary>Runs every cell of <paramref name="plan"/>, reporting each ratio and seed on <paramref name="console"/>.</summary>
    public static StudyResults Run(StudyPlan plan, IAnsiConsole console)
    {
        var records = new List<StudyRecord>();
        var curves = new Dictionary<(string, ProbabilityScaling), List<ReliabilityCurve>>();
        (float[] Logits, float[] Targets) timingBatch = ([], []);
        var settings = TrainingSettings.Mlp(plan.Epochs);
        var clock = Stopwatch.StartNew();
        foreach (var ratio in plan.Ratios)
        {
            foreach (var seed in plan.Seeds)
            {
                var cellStarted = clock.Elapsed;
                var splits = DataSplits.Generate(plan.TrainingSamples, plan.ValidationSamples, plan.TestSamples, ratio, seed);
                foreach (var method in plan.Methods)
                {
                    var training = MlpTrainer.Train(splits.Training, method, settings, seed);
                    var validation = new Predictions(training.Model.PredictLogits(splits.Validation), splits.Validation.Labels);
                    var temperature = TemperatureFit.Fit(validation);
                    var asTrained = new Predictions(training.Model.PredictLogits(splits.Test), splits.Test.Labels);
                    var scaled = new Predictions(asTrained.Logits, asTrained.Labels, temperature.Applied);
                    records.Add(new StudyRecord(
                        ratio, seed, method, ProbabilityScaling.AsTrained, temperature, TestMetrics.Of(asTrained), training));
                    records.Add(new StudyRecord(
                        ratio, seed, method, ProbabilityScaling.TemperatureScaled, temperature, TestMetrics.Of(scaled), training));

                    if (ratio == StudyPlan.FocusRatio && StudyCharts.ReliabilityMethods.Contains(method) && asTrained.IsFinite)
                    {
                        Collect(curves, method, ProbabilityScaling.AsTrained, asTrained);
                        Collect(curves, method, ProbabilityScaling.TemperatureScaled, scaled);
                    }

                    if (ratio == StudyPlan.FocusRatio && seed == plan.Seeds[0] && method == MethodCatalog.CrossEntropy)
                        timingBatch = FirstBatch(asTrained, settings.BatchSize);
                }

                console.MarkupLine(CultureInfo.InvariantCulture,
                    "1:{0,-5} seed {1}: {2} methods in {3:0.0} s ({4}/{5} runs, {6:mm\\:ss} elapsed)", ratio, seed,
                    plan.Methods.Count, (clock.Elapsed - cellStarted).TotalSeconds, records.Count / 2, plan.RunCount, clock.Elapsed);
            }
        }

        return new StudyResults(records, curves, timingBatch);
    }

    private static void Collect(
        Dictionary<(string, ProbabilityScaling), List<ReliabilityCurve>> curves, TrainingMethod method,
        ProbabilityScaling scaling, Predictions predictions)
    {
        var key = (method.Name, scaling);
        if (!curves.TryGetValue(key, out var list))
            curves[key] = list = [];
        list.Add(ReliabilityCurve.Of(predictions));
    }

    private static (float[] Logits, float[] Targets) FirstBatch(Predictions predictions, int batchSize)
    {
        var count = Math.Min(batchSize, predictions.Logits.Length);
        return (predictions.Logits[..count], [.. predictions.Labels[..count].Select(label => (float)label)]);
    }
}
