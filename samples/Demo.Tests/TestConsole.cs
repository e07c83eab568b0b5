using Spectre.Console;

namespace FocalAot.Demo.Tests;

/// <summary>A console that records what the demo writes, as plain text, wide enough for its tables.</summary>
internal sealed class TestConsole : IDisposable
{
    private readonly StringWriter output = new();

    public TestConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        Console.Profile.Width = 160;
    }

    public IAnsiConsole Console { get; }

    public StringWriter Errors { get; } = new();

    public string Output => output.ToString();

    /// <summary>Runs the program with <paramref name="args"/> on this console; returns its exit code.</summary>
    public int Run(params string[] args) => Program.Run(args, Console, Errors);

    public void Dispose()
    {
        output.Dispose();
        Errors.Dispose();
    }
}
