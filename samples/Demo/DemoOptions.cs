using System.Globalization;

namespace FocalAot.Demo;

/// <summary>
/// The command line: <c>--epochs N</c>, <c>--samples N</c> (training samples; the test set is half as many) and
/// <c>--help</c>.
/// </summary>
internal sealed record DemoOptions(int Epochs, int TrainingSamples, bool ShowHelp)
{
    public const int MinEpochs = 1;
    public const int MaxEpochs = 1_000;

    /// <summary>Fewer samples leave too few positives (about 1 in 100) for the metrics to mean anything.</summary>
    public const int MinSamples = 2_000;

    /// <summary>About 100 bytes a sample, test set included: at most ~300 MB, and a run of minutes.</summary>
    public const int MaxSamples = 2_000_000;

    public static DemoOptions Default { get; } = new(Epochs: 30, TrainingSamples: 200_000, ShowHelp: false);

    public int TestSamples => TrainingSamples / 2;

    public static string Usage =>
        $"""
        Usage: dotnet run --project samples/Demo -c Release [-- [--epochs N] [--samples N]]
          --epochs N    training epochs, {MinEpochs}..{MaxEpochs:N0} (default {Default.Epochs})
          --samples N   training samples, {MinSamples:N0}..{MaxSamples:N0} (default {Default.TrainingSamples:N0});
                        the test set is half as many
          --help        show this text
        """;

    /// <summary>Parses the arguments, or explains in <paramref name="error"/> what is wrong with them.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out DemoOptions options, out string error)
    {
        options = Default;
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    options = options with { ShowHelp = true };
                    break;
                case "--epochs":
                    if (!TryReadCount(args, ref i, MinEpochs, MaxEpochs, out var epochs, out error))
                        return false;
                    options = options with { Epochs = epochs };
                    break;
                case "--samples":
                    if (!TryReadCount(args, ref i, MinSamples, MaxSamples, out var samples, out error))
                        return false;
                    options = options with { TrainingSamples = samples };
                    break;
                default:
                    error = $"unknown argument '{args[i]}'.";
                    return false;
            }
        }

        return true;
    }

    /// <summary>Reads the whole number after the option at <paramref name="index"/> and moves past it.</summary>
    private static bool TryReadCount(
        IReadOnlyList<string> args, ref int index, int min, int max, out int value, out string error)
    {
        var option = args[index];
        value = 0;
        if (index + 1 >= args.Count)
        {
            error = $"{option} needs a value.";
            return false;
        }

        var text = args[++index];
        // NumberStyles.None: digits only, so "+5", " 5" and "1e3" are rejected rather than guessed at.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            || value < min || value > max)
        {
            error = $"{option} must be a whole number from {min:N0} to {max:N0}, not '{text}'.";
            return false;
        }

        error = "";
        return true;
    }
}
