using System.Globalization;

namespace FocalAot.Peers;

/// <summary>The command line of the harness protocol (bench/peers/README.md).</summary>
/// <param name="DataDirectory">--data: the folder of inputs-&lt;n&gt;.f32.</param>
/// <param name="Sizes">--sizes: the element counts to time.</param>
/// <param name="Threads">--threads: the thread counts to time.</param>
/// <param name="Rounds">--rounds: interleaved rounds per combination; the fastest counts.</param>
/// <param name="AccuracyCount">--accuracy-n: the element count of the accuracy dump, or 0 for none.</param>
/// <param name="AccuracyDirectory">--accuracy-out: where each peer's accuracy dump goes, or null for none.</param>
internal sealed record HarnessArguments(
    string DataDirectory, int[] Sizes, int[] Threads, int Rounds, int AccuracyCount, string? AccuracyDirectory)
{
    public const string Usage =
        "usage: FocalAot.Peers --data DIR [--sizes N,N,...] [--threads T,T,...] [--rounds R] [--accuracy-n N --accuracy-out DIR]";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static HarnessArguments Parse(string[] args)
    {
        string? data = null;
        string? accuracyDirectory = null;
        int[] sizes = [];
        int[] threads = [];
        var rounds = 3;
        var accuracyCount = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
                throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            switch (name)
            {
                case "--data": data = value; break;
                case "--sizes": sizes = ParseList(name, value); break;
                case "--threads": threads = ParseList(name, value); break;
                case "--rounds": rounds = ParsePositive(name, value); break;
                case "--accuracy-n": accuracyCount = ParsePositive(name, value); break;
                case "--accuracy-out": accuracyDirectory = value; break;
                default: throw new ArgumentException($"unknown argument {name}");
            }
        }

        if (data is null)
            throw new ArgumentException("--data is required");
        if ((accuracyCount > 0) != (accuracyDirectory is not null))
            throw new ArgumentException("--accuracy-n and --accuracy-out go together");
        if (sizes.Length > 0 != threads.Length > 0)
            throw new ArgumentException("--sizes and --threads go together");
        return new HarnessArguments(data, sizes, threads, rounds, accuracyCount, accuracyDirectory);
    }

    private static int[] ParseList(string name, string value)
        => [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => ParsePositive(name, v))];

    private static int ParsePositive(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name}: '{value}' is not a positive integer");
}
