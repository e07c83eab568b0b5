using System.Numerics;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Once warm, a softmax call allocates nothing on the calling thread: row scratch on the stack for narrow rows, from a
/// pool for wide ones (4 C > 8192) and for the tiles of [N, C, S] positions, for every operation and reduction.
/// </summary>
public sealed class SoftmaxAllocationTests
{
    [Theory]
    [InlineData(80, 64)]
    [InlineData(3000, 7)]
    public void A_warm_call_allocates_nothing(int classes, int rows)
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 1;
        AllocatesNothing<float>(classes, rows);
        AllocatesNothing<double>(classes, rows);
    }

    private static void AllocatesNothing<T>(int classes, int rows)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(classes);
        var logits = SoftmaxRun<T>.Convert(Enumerable.Range(0, rows * classes).Select(_ => (random.NextDouble() - 0.5) * 12).ToArray());
        var targets = Enumerable.Range(0, rows).Select(r => r % 9 == 4 ? -100 : random.Next(classes)).ToArray();
        var probabilities = SoftmaxRun<T>.Convert(Enumerable.Range(0, rows * classes).Select(_ => random.NextDouble()).ToArray());
        var weights = SoftmaxRun<T>.Convert(Enumerable.Range(0, rows).Select(r => r % 5 == 0 ? 0 : random.NextDouble() * 2).ToArray());
        var classAlpha = Enumerable.Range(0, classes).Select(_ => random.NextDouble()).ToArray();
        var upstream = SoftmaxRun<T>.Convert(Enumerable.Range(0, rows).Select(_ => random.NextDouble() - 0.5).ToArray());
        var losses = new T[rows];
        var gradient = new T[rows * classes];
        var one = T.One;
        var spatial = new SoftmaxShape(classes, rows);

        void EveryOperation()
        {
            SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, classes, losses, gradient);
            SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, classes, losses, gradient,
                new() { Gamma = 2.7, Weights = weights, ClassAlpha = classAlpha, LabelSmoothing = 0.1 });
            SoftmaxFocalLoss.Forward<T, int>(logits, targets, classes, losses, new() { Gamma = 0, Alpha = -1 });
            SoftmaxFocalLoss.Backward<T, int>(logits, targets, classes, upstream, gradient, new() { Gamma = 0.5, Weights = weights });
            SoftmaxFocalLoss.Forward<T, int>(logits, targets, classes, new FocalLossOptions<T> { Reduction = FocalReduction.Mean });
            SoftmaxFocalLoss.Backward<T, int>(logits, targets, classes, one, gradient,
                new() { Gamma = 1, ClassAlpha = classAlpha, Reduction = FocalReduction.Sum });
            SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, classes, gradient,
                new FocalLossOptions<T> { Weights = weights, ClassAlpha = classAlpha, Reduction = FocalReduction.WeightedMean });
            SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, classes, gradient,
                new FocalLossOptions<T> { Gamma = 3.3, LabelSmoothing = 0.2, Reduction = FocalReduction.Normalized(7) });
            SoftmaxFocalLoss.ForwardBackward<T, T>(logits, probabilities, classes, losses, gradient, new() { Weights = weights });
            SoftmaxFocalLoss.Forward<T, T>(logits, probabilities, classes,
                new FocalLossOptions<T> { ClassAlpha = classAlpha, Reduction = FocalReduction.WeightedMean });

            // The same values as one sample of [1, C, S = rows] positions (transposed in tiles).
            SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, spatial, losses, gradient, new() { Weights = weights });
            SoftmaxFocalLoss.ForwardBackward<T, T>(logits, probabilities, spatial, gradient,
                new FocalLossOptions<T> { Gamma = 2.5, Reduction = FocalReduction.Mean });
        }

        var allocated = WarmAllocation(EveryOperation);
        Assert.True(allocated == 0, $"{typeof(T).Name}, C = {classes}, N = {rows}: {allocated} bytes allocated by warm calls");
    }

    /// <summary>
    /// The bytes <paramref name="operations"/> allocate on this thread once warm: the fewest of three measured runs (a
    /// collection can retire the thread's allocation context mid-run and over-report once; the code's own allocation
    /// shows in every run).
    /// </summary>
    private static long WarmAllocation(Action operations)
    {
        operations();
        var fewest = long.MaxValue;
        for (var run = 0; run < 3 && fewest > 0; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            operations();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
