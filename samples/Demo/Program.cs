using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>The entry point: the demo by default, the imbalance study with <c>--study</c>.</summary>
internal static class Program
{
    /// <summary>The width tables get when the output is not a terminal (a log, a file), which reports none.</summary>
    private const int RedirectedWidth = 132;

    private static int Main(string[] args)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
            console.Profile.Width = RedirectedWidth;
        return Run(args, console, Console.Error);
    }

    /// <summary>Parses <paramref name="args"/> and runs what they ask for; returns the exit code (2: bad arguments).</summary>
    internal static int Run(IReadOnlyList<string> args, IAnsiConsole console, TextWriter errors)
    {
        if (!CommandLineOptions.TryParse(args, out var options, out var error))
        {
            errors.WriteLine($"error: {error}");
            errors.WriteLine(CommandLineOptions.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            console.WriteLine(CommandLineOptions.Usage);
            return 0;
        }

        return options.Study ? StudyRun.Run(options, console) : DemoRun.Run(options, console);
    }
}
