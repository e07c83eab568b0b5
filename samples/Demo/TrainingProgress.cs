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
    private const int LogLinesPerRun = 4;

    /// <summary>Runs <paramref name="train"/> once per method, in order, showing each run's epochs.</summary>
    /// <param name="console">Where the progress goes.</param>
    /// <param name="methods">The methods to train with.</param>
    /// <param name="epochs">The number of epochs each run reports.</param>
    /// <param name="train">Trains with a method, calling back with each epoch's number and loss.</param>
    public static List<TrainingResult> Show(
        IAnsiConsole console, IReadOnlyList<TrainingMethod> methods, int epochs,
        Func<TrainingMethod, Action<int, double>, TrainingResult> train)
    {
        var capabilities = console.Profile.Capabilities;
        return capabilities.Interactive && capabilities.Ansi
            ? ShowProgressBars(console, methods, epochs, train)
            : ShowLogLines(console, methods, epochs, train);
    }

    private static List<TrainingResult> ShowProgressBars(
        IAnsiConsole console, IReadOnlyList<TrainingMethod> methods, int epochs,
        Func<TrainingMethod, Action<int, double>, TrainingResult> train)
    {
        var results = new List<TrainingResult>();
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = methods
                    .Select(method => context.AddTask(Label(method, "waiting"), autoStart: false, maxValue: epochs))
                    .ToList();
                for (var run = 0; run < methods.Count; run++)
                {
                    var method = methods[run];
                    var task = tasks[run];
                    task.StartTask();
                    results.Add(train(method, (epoch, meanLoss) =>
                    {
                        task.Description = Label(method, EpochStatus(epoch, epochs, meanLoss));
                        task.Value = epoch;
                    }));
                    task.StopTask();
                }
            });
        return results;
    }

    private static List<TrainingResult> ShowLogLines(
        IAnsiConsole console, IReadOnlyList<TrainingMethod> methods, int epochs,
        Func<TrainingMethod, Action<int, double>, TrainingResult> train)
    {
        var interval = Math.Max(1, (epochs + LogLinesPerRun - 1) / LogLinesPerRun);
        var results = new List<TrainingResult>();
        foreach (var method in methods)
        {
            results.Add(train(method, (epoch, meanLoss) =>
            {
                if (epoch == 1 || epoch % interval == 0 || epoch == epochs)
                    console.MarkupLine(Label(method, EpochStatus(epoch, epochs, meanLoss)));
            }));
        }

        return results;
    }

    private static string EpochStatus(int epoch, int epochs, double meanLoss)
        => string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,3}/{epochs}  loss {meanLoss:0.00000}");

    private static string Label(TrainingMethod method, string status) => Markup.Escape($"{method.Name,-30} {status}");
}
