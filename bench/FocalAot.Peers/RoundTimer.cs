using System.Diagnostics;

namespace FocalAot.Peers;

/// <summary>One timing round of one peer: the call repeated until at least 3 calls and 0.2 s have passed.</summary>
internal static class RoundTimer
{
    private const int MinimumCalls = 3;
    private static readonly long MinimumTicks = Stopwatch.Frequency / 5;

    /// <summary>The seconds per call of one round, and the result of the round's last call.</summary>
    public static (double SecondsPerCall, float Result) TimeRound(Func<float> call)
    {
        var calls = 0;
        var result = 0f;
        var start = Stopwatch.GetTimestamp();
        long elapsed;
        do
        {
            result = call();
            calls++;
            elapsed = Stopwatch.GetTimestamp() - start;
        }
        while (calls < MinimumCalls || elapsed < MinimumTicks);

        return ((double)elapsed / Stopwatch.Frequency / calls, result);
    }
}
