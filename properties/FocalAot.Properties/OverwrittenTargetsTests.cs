using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// A call whose output is written over its targets checks the targets before the pass; an error found during the pass
/// (a bad weight) must then be reported as what it is, not as a "bad target" read back from the outputs.
/// </summary>
public sealed class OverwrittenTargetsTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(300_001)]
    public void A_bad_weight_with_the_output_over_the_targets_is_reported_as_a_bad_weight(int length)
    {
        var logits = new float[length];
        Array.Fill(logits, -10f); // so the losses (≈ 2.5) and gradients (< 0) written over the targets are not targets
        var weights = new float[length];
        Array.Fill(weights, 1f);
        weights[length - 2] = -1;
        float[] Targets()
        {
            var targets = new float[length];
            Array.Fill(targets, 1f);
            return targets;
        }

        var y = Targets();
        AssertBadWeight(() => SigmoidFocalLoss.Forward(logits, y, y, new FocalLossOptions<float> { Weights = weights }), length - 2);
        y = Targets();
        AssertBadWeight(
            () => SigmoidFocalLoss.ForwardBackward(logits, y, new float[length], y, new FocalLossOptions<float> { Weights = weights }),
            length - 2);
        y = Targets();
        AssertBadWeight(
            () => SigmoidFocalLoss.Backward(logits, y, 1f, y, new FocalLossOptions<float> { Weights = weights, Reduction = FocalReduction.Sum }),
            length - 2);
    }

    private static void AssertBadWeight(Action call, int index)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal("weights", exception.ParamName);
        Assert.Contains($"weights[{index}] = -1 is invalid", exception.Message, StringComparison.Ordinal);
    }
}
