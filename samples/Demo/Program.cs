using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// Trains the same logistic-regression model on the same imbalanced data with binary cross-entropy and with focal
/// loss, and compares them on a held-out test set.
/// </summary>
internal static class Program
{
    private const int TrainingSeed = 2017;
    private const int TestSeed = 2018;

    /// <summary>
    /// Small enough for many updates per epoch, large enough (~40 positives) for a stable gradient; under the
    /// kernel's parallel threshold, so every call runs on the calling thread.
    /// </summary>
    private const int BatchSize = 4096;

    private const float LearningRate = 2f;

    private static int Main(string[] args)
    {
        if (!DemoOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(DemoOptions.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(DemoOptions.Usage);
            return 0;
        }

        var clock = Stopwatch.StartNew();
        WriteHeader(options);
        var training = SyntheticData.Generate(options.TrainingSamples, TrainingSeed);
        var test = SyntheticData.Generate(options.TestSamples, TestSeed);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "Data: {0:N0} training samples ({1:N0} positive), {2:N0} test samples ({3:N0} positive), {4} features.",
            training.Count, training.PositiveCount, test.Count, test.PositiveCount, training.FeatureCount);
        AnsiConsole.WriteLine();
        DeviceReport.Write(training, BatchSize);

        var settings = new TrainingSettings(options.Epochs, BatchSize, LearningRate);
        LossFunction[] losses = [LossFunction.CrossEntropy, LossFunction.Focal];
        var results = TrainingProgress.Show(losses, settings.Epochs,
            (loss, epochCompleted) => LogisticRegressionTrainer.Train(training, loss, settings, epochCompleted));

        var outcomes = losses.Zip(results, (loss, result) => new RunOutcome(
            loss, result, ClassifierMetrics.Evaluate(result.Model.PredictProbabilities(test), test.Labels))).ToList();
        AnsiConsole.WriteLine();
        AnsiConsole.Write(ComparisonTable.Build(outcomes));
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[grey]Done in {0:0.0} s.[/]", clock.Elapsed.TotalSeconds);
        return 0;
    }

    private static void WriteHeader(DemoOptions options)
    {
        var path = FocalRuntime.ActivePath;
        var acceleration = FocalRuntime.IsHardwareAccelerated(path) ? "hardware" : "software emulation";
        AnsiConsole.MarkupLine("[bold]FocalAot demo[/]: binary cross-entropy vs. focal loss on imbalanced data");
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "Trains logistic regression twice ({0} epochs, batches of {1:N0}, learning rate {2}); every step gets "
            + "the loss and dL/dlogit from one SigmoidFocalLoss.ForwardBackward call (float32, mean reduction).",
            options.Epochs, BatchSize, LearningRate);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "SIMD path: [bold]{0}[/] ({1}); threads: up to {2} (calls under ~131k elements, like these batches, "
            + "run on one).",
            path, acceleration, FocalRuntime.MaxDegreeOfParallelism);
    }
}
