namespace FocalAot.Demo.Tests;

/// <summary>Resampling's class counts, and the class weights against their hand formulas.</summary>
public sealed class RebalancingTests
{
    private static readonly Dataset Data = SyntheticProblem.Generate(5_050, 100, new Random(9));

    [Fact]
    public void Oversampling_repeats_minority_samples_until_the_classes_are_equal()
    {
        var pool = Resampling.TrainingPool(Data, ResamplingKind.RandomOversampling, new Random(1));
        Assert.Equal(5_000, pool.Count(i => Data.Labels[i] == 0));
        Assert.Equal(5_000, pool.Count(i => Data.Labels[i] == 1));
        Assert.Equal(Data.Count, pool.Distinct().Count());
    }

    [Fact]
    public void Undersampling_keeps_every_minority_sample_and_as_many_distinct_majority_ones()
    {
        var pool = Resampling.TrainingPool(Data, ResamplingKind.RandomUndersampling, new Random(1));
        Assert.Equal(50, pool.Count(i => Data.Labels[i] == 1));
        Assert.Equal(50, pool.Count(i => Data.Labels[i] == 0));
        Assert.Equal(pool.Length, pool.Distinct().Count());
    }

    [Fact]
    public void No_resampling_keeps_every_sample_once()
        => Assert.Equal(Enumerable.Range(0, Data.Count), Resampling.TrainingPool(Data, ResamplingKind.None, new Random(1)));

    [Fact]
    public void Inverse_frequency_weights_are_n_over_twice_the_class_count()
    {
        var weights = ClassWeights.For(ClassWeighting.InverseFrequency, negatives: 1_000, positives: 10);
        Assert.Equal(1_010.0 / 2_000, weights.Negative, 15);
        Assert.Equal(1_010.0 / 20, weights.Positive, 15);
    }

    [Fact]
    public void Effective_number_weights_follow_the_hand_formula()
    {
        // β = 0.9, counts 2 and 1: effective numbers (1 − 0.9²)/0.1 = 1.9 and 1; weights ∝ 1/1.9 and 1, scaled to sum
        // to 2: 2/2.9 and 2·1.9/2.9.
        var weights = ClassWeights.EffectiveNumber(negatives: 2, positives: 1, beta: 0.9);
        Assert.Equal(2 / 2.9, weights.Negative, 14);
        Assert.Equal(3.8 / 2.9, weights.Positive, 14);
    }

    [Fact]
    public void Effective_number_weights_with_the_study_beta_barely_reweigh_large_classes()
    {
        // β = 0.999 saturates near 1/(1 − β) = 1000 samples: 200,000 and 2,000 samples weigh almost alike.
        var weights = ClassWeights.For(ClassWeighting.EffectiveNumber, negatives: 200_000, positives: 2_000);
        var positive = 1 / (1 - Math.Pow(0.999, 2_000));
        var negative = 1 / (1 - Math.Pow(0.999, 200_000));
        Assert.Equal(2 * positive / (positive + negative), weights.Positive, 12);
        Assert.InRange(weights.Positive / weights.Negative, 1.1, 1.2);
    }
}
