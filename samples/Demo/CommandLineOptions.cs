using System.Globalization;

namespace FocalAot.Demo;

/// <summary>
/// The command line. The demo: <c>--epochs N</c>, <c>--samples N</c> (training samples; the test set is half as
/// many), <c>--seed N</c>, <c>--chart PATH</c>. The study: <c>--study</c> with <c>--quick</c>, <c>--out DIR</c>,
/// <c>--seeds N</c> and <c>--seed N</c> (the first seed). And <c>--help</c>.
/// </summary>
internal sealed record CommandLineOptions
{
    /// <summary>The fewest training epochs.</summary>
    public const int MinEpochs = 1;

    /// <summary>The most training epochs.</summary>
    public const int MaxEpochs = 1_000;

    /// <summary>Fewer samples leave too few minority samples (1 in 101) for the metrics to mean anything.</summary>
    public const int MinSamples = 2_000;

    /// <summary>About 100 bytes a sample, test set included: at most ~300 MB, and a run of minutes.</summary>
    public const int MaxSamples = 2_000_000;

    /// <summary>Mean ± standard deviation needs two seeds at least.</summary>
    public const int MinSeeds = 2;

    /// <summary>The most seeds per cell of the study.</summary>
    public const int MaxSeeds = 100;

    /// <summary>The chart's file when <c>--chart</c> is not given (under the current directory).</summary>
    public static readonly string DefaultChartPath = Path.Combine("artifacts", "demo", "reliability.png");

    /// <summary>The study's folder when <c>--out</c> is not given (under the current directory).</summary>
    public static readonly string DefaultStudyDirectory = Path.Combine("artifacts", "study-dotnet");

    private static readonly string[] ChartExtensions = [".png", ".svg"];

    /// <summary>Whether to show the usage and stop.</summary>
    public bool ShowHelp { get; init; }

    /// <summary>Whether to run the study rather than the demo.</summary>
    public bool Study { get; init; }

    /// <summary>The study's small grid.</summary>
    public bool Quick { get; init; }

    /// <summary>The demo's training epochs.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>The demo's training samples.</summary>
    public int TrainingSamples { get; init; } = 200_000;

    /// <summary>The demo's test samples: half the training samples.</summary>
    public int TestSamples => TrainingSamples / 2;

    /// <summary>The demo's seed, or the study's first.</summary>
    public int Seed { get; init; } = 2017;

    /// <summary>Where the demo writes its reliability chart (.png or .svg).</summary>
    public string ChartPath { get; init; } = DefaultChartPath;

    /// <summary>Where the study writes its outputs.</summary>
    public string OutputDirectory { get; init; } = DefaultStudyDirectory;

    /// <summary>The study's seeds per cell; null for its default.</summary>
    public int? Seeds { get; init; }

    /// <summary>The usage text.</summary>
    public static string Usage =>
        $"""
        Usage: dotnet run --project samples/Demo -c Release [-- OPTIONS]
        The demo (the default): an MLP trained five ways on a 1:100 imbalanced problem, compared on a test set.
          --epochs N    training epochs, {MinEpochs}..{MaxEpochs:N0} (default 20)
          --samples N   training samples, {MinSamples:N0}..{MaxSamples:N0} (default 200,000); the test set is half as many
          --seed N      seeds the data, the initial weights and the batch order, 0..{int.MaxValue:N0} (default 2017)
          --chart PATH  the reliability chart, a .png or .svg file (default {DefaultChartPath})
        The study: every method at 1:10, 1:100 and 1:1000 over several seeds, written to files.
          --study       run the study instead of the demo
          --quick       a small, fast grid that still touches every method family and chart
          --out DIR     where the CSV, the summary and the charts go (default {DefaultStudyDirectory})
          --seeds N     seeds per cell, {MinSeeds}..{MaxSeeds} (default 5; 2 with --quick); --seed N sets the first
          --help        show this text
        """;

    /// <summary>Parses the arguments, or explains in <paramref name="error"/> which one is wrong and why.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out CommandLineOptions options, out string error)
    {
        options = new CommandLineOptions();
        error = "";
        var given = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            given.Add(args[i]);
            switch (args[i])
            {
                case "--help" or "-h":
                    options = options with { ShowHelp = true };
                    break;
                case "--study":
                    options = options with { Study = true };
                    break;
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--epochs":
                    if (!TryReadNumber(args, ref i, MinEpochs, MaxEpochs, out var epochs, out error))
                        return false;
                    options = options with { Epochs = epochs };
                    break;
                case "--samples":
                    if (!TryReadNumber(args, ref i, MinSamples, MaxSamples, out var samples, out error))
                        return false;
                    options = options with { TrainingSamples = samples };
                    break;
                case "--seed":
                    if (!TryReadNumber(args, ref i, 0, int.MaxValue, out var seed, out error))
                        return false;
                    options = options with { Seed = seed };
                    break;
                case "--seeds":
                    if (!TryReadNumber(args, ref i, MinSeeds, MaxSeeds, out var seeds, out error))
                        return false;
                    options = options with { Seeds = seeds };
                    break;
                case "--chart":
                    if (!TryReadChartPath(args, ref i, out var chart, out error))
                        return false;
                    options = options with { ChartPath = chart };
                    break;
                case "--out":
                    if (!TryReadValue(args, ref i, out var directory, out error))
                        return false;
                    options = options with { OutputDirectory = directory };
                    break;
                default:
                    return Fail($"unknown argument '{args[i]}'.", out error);
            }
        }

        return options.ShowHelp || CheckMode(options, given, out error);
    }

    /// <summary>Demo options with <c>--study</c>, or study options without it, are mistakes worth naming.</summary>
    private static bool CheckMode(CommandLineOptions options, List<string> given, out string error)
    {
        string[] demoOnly = ["--epochs", "--samples", "--chart"];
        string[] studyOnly = ["--quick", "--out", "--seeds"];
        var misplaced = options.Study ? given.Intersect(demoOnly).FirstOrDefault() : given.Intersect(studyOnly).FirstOrDefault();
        if (misplaced is null)
        {
            error = "";
            return true;
        }

        return Fail(options.Study ? $"{misplaced} applies to the demo, not to --study." : $"{misplaced} needs --study.", out error);
    }

    private static bool TryReadChartPath(IReadOnlyList<string> args, ref int index, out string path, out string error)
    {
        if (!TryReadValue(args, ref index, out path, out error))
            return false;
        return ChartExtensions.Contains(Path.GetExtension(path).ToLowerInvariant())
            || Fail($"--chart must name a .png or .svg file, not '{path}'.", out error);
    }

    /// <summary>Reads the whole number after the option at <paramref name="index"/> and moves past it.</summary>
    private static bool TryReadNumber(IReadOnlyList<string> args, ref int index, int min, int max, out int value, out string error)
    {
        var option = args[index];
        value = 0;
        if (!TryReadValue(args, ref index, out var text, out error))
            return false;

        // NumberStyles.None: digits only, so "+5", " 5" and "1e3" are rejected rather than guessed at.
        return (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            || Fail($"{option} must be a whole number from {min:N0} to {max:N0}, not '{text}'.", out error);
    }

    /// <summary>Reads the value after the option at <paramref name="index"/> and moves past it.</summary>
    private static bool TryReadValue(IReadOnlyList<string> args, ref int index, out string value, out string error)
    {
        var option = args[index];
        if (index + 1 >= args.Count || args[index + 1].StartsWith("--", StringComparison.Ordinal) || args[index + 1].Length == 0)
        {
            value = "";
            return Fail($"{option} needs a value.", out error);
        }

        value = args[++index];
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
