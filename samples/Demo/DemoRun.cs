using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// The demo: the same MLP trained on the same 1:100 problem with cross-entropy, class-weighted cross-entropy,
/// oversampling and focal loss at two γ, compared on a held-out test set, with a reliability chart.
/// </summary>
internal static class DemoRun
{
    /// <summary>Majority samples per minority sample.</summary>
    public const int ImbalanceRatio = 100;

    /// <summary>Runs the demo; returns the process's exit code.</summary>
    public static int Run(CommandLineOptions options, IAnsiConsole console)
    {
        var clock = Stopwatch.StartNew();
        var settings = TrainingSettings.Mlp(options.Epochs);
        WriteHeader(console, settings);
        var splits = DataSplits.Generate(options.TrainingSamples, 0, options.TestSamples, ImbalanceRatio, options.Seed);
        var (training, test) = (splits.Training, splits.Test);
        console.MarkupLine(CultureInfo.InvariantCulture,
            "Data: {0:N0} training samples ({1:N0} minority), {2:N0} test samples ({3:N0} minority), {4} features, seed {5}.",
            training.Count, training.PositiveCount, test.Count, test.PositiveCount, training.FeatureCount, options.Seed);
        DeviceReport.Write(console, training, settings.BatchSize);

        var linear = MlpTrainer.Train(training, MethodCatalog.CrossEntropy, TrainingSettings.Linear(options.Epochs), options.Seed);
        var linearMetrics = TestMetrics.Of(new Predictions(linear.Model.PredictLogits(test), test.Labels));
        console.MarkupLine(CultureInfo.InvariantCulture,
            "A linear model (logistic regression, CE, the same training) reaches AP {0:0.000} here: the minority class "
            + "sits on a ring, which only a nonlinear model can pick out.", linearMetrics.AveragePrecision);
        console.WriteLine();

        var methods = MethodCatalog.Demo;
        var results = TrainingProgress.Show(console, methods, settings.Epochs,
            (method, epochCompleted) => MlpTrainer.Train(training, method, settings, options.Seed, epochCompleted));
        var outcomes = methods.Zip(results, (method, result) =>
        {
            var predictions = new Predictions(result.Model.PredictLogits(test), test.Labels);
            return new DemoOutcome(method, result, TestMetrics.Of(predictions), ReliabilityCurve.Of(predictions));
        }).ToList();

        console.WriteLine();
        console.Write(DemoTable.Build(outcomes));
        console.MarkupLine(
            CultureInfo.InvariantCulture, Markup.Escape(DemoTable.Legend), outcomes[0].Training.FastestKernelNanosecondsPerElement);
        console.MarkupLine(
            "What to look for: class weights and oversampling trade precision for recall at p ≥ 0.5 and push every probability "
            + "up (ECE, Brier); focal loss leaves the ranking (AP) about where CE has it and moves the probabilities away from "
            + "the observed rates as γ grows (ECE; the chart shows how). The study (--study) adds seeds, ratios, methods and "
            + "temperature scaling.");

        var chartPath = ChartFile.Save(ReliabilityChart(outcomes), options.ChartPath, 820, 680);
        console.MarkupLine($"Reliability chart: [bold]{Markup.Escape(chartPath)}[/]");
        console.MarkupLine(CultureInfo.InvariantCulture, "[grey]Done in {0:0.0} s.[/]", clock.Elapsed.TotalSeconds);
        return 0;
    }

    private static ScottPlot.Multiplot ReliabilityChart(IReadOnlyList<DemoOutcome> outcomes)
    {
        var series = ChartPanel.ReliabilitySeries(
            outcomes.Select((outcome, index) => (outcome.Method.Name, index, outcome.Reliability)));
        return LineChart.Build(
        [
            new ChartPanel("Reliability on the test set, 1:100", "Mean predicted probability (15 equal-width bins)", "Observed minority rate",
                series) { IsReliabilityDiagram = true },
        ]);
    }

    private static void WriteHeader(IAnsiConsole console, TrainingSettings settings)
    {
        var path = FocalRuntime.ActivePath;
        var acceleration = FocalRuntime.IsHardwareAccelerated(path) ? "hardware" : "software emulation";
        console.MarkupLine("[bold]FocalAot demo[/]: cross-entropy, its remedies for imbalance, and focal loss, on a 1:100 problem");
        console.MarkupLine(CultureInfo.InvariantCulture,
            "Trains an MLP ({0} ReLU units, Adam, learning rate {1}) {2} epochs in batches of {3:N0}; every step gets the "
            + "loss and dL/dlogit from one SigmoidFocalLoss.ForwardBackward call (float32, mean reduction).",
            string.Join("-", settings.HiddenWidths), settings.LearningRate, settings.Epochs, settings.BatchSize);
        console.MarkupLine(CultureInfo.InvariantCulture, "SIMD path: [bold]{0}[/] ({1}); the loss kernel runs on one thread "
            + "for batches this small.", path, acceleration);
    }
}
