using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Float sums keep 1e-6 relative accuracy up to n = 2^24, where a float accumulator of these non-negative
/// losses would be off by ~1e-4..1e-3.
/// </summary>
public sealed class SumAccuracyTests
{
    private const int Length = 1 << 24;
    private const int Slices = 64;  // inputs and reference are drawn slice by slice in parallel, each slice from its own seed

    [Fact]
    public void Float_sum_of_two_to_the_24_losses_is_accurate()
    {
        const double gamma = 2, alpha = 0.25;
        var logits = new float[Length];
        var targets = new float[Length];
        var reference = new double[Length];
        Parallel.For(0, Slices, slice =>
        {
            var random = new Random(24 + slice);
            for (var i = slice * (Length / Slices); i < (slice + 1) * (Length / Slices); i++)
            {
                logits[i] = (float)BulkInputs.Logit(random, infinities: false);
                targets[i] = (float)BulkInputs.Target(random, BulkInputs.Labels.Mixed);
                reference[i] = FocalReference.Loss(logits[i], targets[i], gamma, alpha);
            }
        });

        // The mean is this same double sum divided once (ReductionTests checks mean = sum / n on every call), so one
        // pass over 2^24 elements covers both; a second would double the cost on the emulated legs.
        var sum = SigmoidFocalLoss.Forward(logits, targets,
            new FocalLossOptions<float> { Gamma = gamma, Alpha = alpha, Reduction = FocalReduction.Sum });
        ReferenceCheck.Reduced(sum, ReferenceSum.Of(reference), Tolerances.FloatSumRelative, Length * Tolerances.AbsoluteFloor, "sum");
    }
}
