using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Once warm, a call allocates nothing on the calling thread: single-threaded or handing parts to workers.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(1, 100_003)]
    [InlineData(2, 400_003)]
    public void A_warm_call_allocates_nothing(int threads, int length)
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = threads;
        var random = new Random(length);
        var logits = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 12)).ToArray();
        var targets = Enumerable.Range(0, length).Select(_ => random.Next(10) == 0 ? 1f : 0f).ToArray();
        var losses = new float[length];
        var gradient = new float[length];

        void EveryOperation()
        {
            SigmoidFocalLoss.Forward(logits, targets, losses);
            SigmoidFocalLoss.Forward(logits, targets, new FocalLossOptions<float> { Gamma = 0.7, Reduction = FocalReduction.Mean });
            SigmoidFocalLoss.Backward(logits, targets, gradient, gradient);
            SigmoidFocalLoss.Backward(logits, targets, 1f, gradient, new() { Gamma = 0, Reduction = FocalReduction.Sum });
            SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, new() { Gamma = 2.5 });
            SigmoidFocalLoss.ForwardBackward(logits, targets, gradient, new FocalLossOptions<float> { Reduction = FocalReduction.Normalized(7) });
        }

        EveryOperation();
        var before = GC.GetAllocatedBytesForCurrentThread();
        EveryOperation();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
