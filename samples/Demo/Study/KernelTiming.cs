using System.Diagnostics;

namespace FocalAot.Demo;

/// <summary>
/// The loss kernel's time per element for cross-entropy and for focal loss (γ = 2), measured side by side in one
/// run: rounds alternate between the two (and which goes first), so a slower stretch of a shared machine slows both.
/// </summary>
/// <param name="CrossEntropyNanoseconds">Cross-entropy's median time per element over the rounds.</param>
/// <param name="FocalNanoseconds">Focal loss's median time per element over the rounds.</param>
/// <param name="BatchSize">The elements of each call (a training batch).</param>
/// <param name="Rounds">The rounds of each.</param>
internal sealed record KernelTiming(double CrossEntropyNanoseconds, double FocalNanoseconds, int BatchSize, int Rounds)
{
    /// <summary>The focal method timed against cross-entropy.</summary>
    public static TrainingMethod Focal { get; } = MethodCatalog.Focal(2);

    /// <summary>Focal loss's time per element over cross-entropy's.</summary>
    public double Ratio => FocalNanoseconds / CrossEntropyNanoseconds;

    /// <summary>Times both on one batch of logits and targets, each call exactly as a training step makes it.</summary>
    public static KernelTiming Measure(float[] logits, float[] targets, int rounds, int callsPerRound)
    {
        var gradient = new float[logits.Length];
        var crossEntropy = new double[rounds];
        var focal = new double[rounds];
        TimeCalls(MethodCatalog.CrossEntropy, logits, targets, gradient, callsPerRound);
        TimeCalls(Focal, logits, targets, gradient, callsPerRound);
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                crossEntropy[round] = TimeCalls(MethodCatalog.CrossEntropy, logits, targets, gradient, callsPerRound);
                focal[round] = TimeCalls(Focal, logits, targets, gradient, callsPerRound);
            }
            else
            {
                focal[round] = TimeCalls(Focal, logits, targets, gradient, callsPerRound);
                crossEntropy[round] = TimeCalls(MethodCatalog.CrossEntropy, logits, targets, gradient, callsPerRound);
            }
        }

        return new KernelTiming(Median.Of(crossEntropy), Median.Of(focal), logits.Length, rounds);
    }

    /// <summary>Nanoseconds per element of <paramref name="calls"/> kernel calls.</summary>
    private static double TimeCalls(TrainingMethod method, float[] logits, float[] targets, float[] gradient, int calls)
    {
        var started = Stopwatch.GetTimestamp();
        for (var call = 0; call < calls; call++)
            SigmoidFocalLoss.ForwardBackward<float>(logits, targets, gradient, method.KernelOptions([]));
        return Stopwatch.GetElapsedTime(started).TotalNanoseconds / ((double)calls * logits.Length);
    }
}
