using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// Shows training progress with each epoch's loss: live progress bars in an interactive terminal, a few plain
/// lines per run otherwise (CI logs, redirected output), where redrawn bars would be noise.
/// </summary>
internal static class TrainingProgress
{
    /// <summary>About this many log lines per run when the output is not interactive.</summary>
    private const int LogLinesPerRun = 5;

    /// <summary>Runs <paramref name="train"/> once per loss function, in order, showing each run's epochs.</summary>
    /// <param name="losses">The loss functions to train with.</param>
    /// <param name="epochs">The number of epochs each run reports.</param>
    /// <param name="train">Trains with a loss function, calling back with each epoch's number and loss.</param>
    public static List<TrainingResult> Show(
        LossFunction[] losses, int epochs, Func<LossFunction, Action<int, double>, TrainingResult> train)
    {
        var capabilities = AnsiConsole.Profile.Capabilities;
        return capabilities.Interactive && capabilities.Ansi
            ? ShowProgressBars(losses, epochs, train)
            : ShowLogLines(losses, epochs, train);
    }

    private static List<TrainingResult> ShowProgressBars(
        LossFunction[] losses, int epochs, Func<LossFunction, Action<int, double>, TrainingResult> train)
    {
        var results = new List<TrainingResult>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = losses
                    .Select(loss => context.AddTask(Label(loss, "waiting"), autoStart: false, maxValue: epochs))
                    .ToList();
                for (var run = 0; run < losses.Length; run++)
                {
                    var loss = losses[run];
                    var task = tasks[run];
                    task.StartTask();
                    results.Add(train(loss, (epoch, meanLoss) =>
                    {
                        task.Description = Label(loss, EpochStatus(epoch, epochs, meanLoss));
                        task.Value = epoch;
                    }));
                    task.StopTask();
                }
            });
        return results;
    }

    private static List<TrainingResult> ShowLogLines(
        LossFunction[] losses, int epochs, Func<LossFunction, Action<int, double>, TrainingResult> train)
    {
        var interval = Math.Max(1, (epochs + LogLinesPerRun - 1) / LogLinesPerRun);
        var results = new List<TrainingResult>();
        foreach (var loss in losses)
        {
            results.Add(train(loss, (epoch, meanLoss) =>
            {
                if (epoch == 1 || epoch % interval == 0 || epoch == epochs)
                    AnsiConsole.WriteLine(Label(loss, EpochStatus(epoch, epochs, meanLoss)));
            }));
        }

        return results;
    }

    private static string EpochStatus(int epoch, int epochs, double meanLoss)
        => string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,3}/{epochs}  loss {meanLoss:0.00000}");

    private static string Label(LossFunction loss, string status) => Markup.Escape($"{loss.Name,-20} {status}");
}
