namespace FocalAot.Demo.Tests;

/// <summary>The synthetic problem: its ratio, its determinism, and that it needs a nonlinear model.</summary>
public sealed class DataTests
{
    [Theory]
    [InlineData(10_100, 100, 100)]
    [InlineData(11_000, 10, 1_000)]
    [InlineData(100_100, 1000, 100)]
    [InlineData(1_000, 100, 10)]
    public void The_data_set_has_the_stated_ratio(int count, int ratio, int positives)
    {
        var data = SyntheticProblem.Generate(count, ratio, new Random(1));
        Assert.Equal(count, data.Count);
        Assert.Equal(positives, data.PositiveCount);
        Assert.Equal(positives, SyntheticProblem.PositiveCount(count, ratio));
    }

    [Fact]
    public void The_same_seed_gives_the_same_data_and_another_seed_other_data()
    {
        var first = DataSplits.Generate(3_000, 1_000, 2_000, 100, seed: 42);
        var again = DataSplits.Generate(3_000, 1_000, 2_000, 100, seed: 42);
        var other = DataSplits.Generate(3_000, 1_000, 2_000, 100, seed: 43);
        foreach (var (a, b) in new[] { (first.Training, again.Training), (first.Validation, again.Validation), (first.Test, again.Test) })
        {
            Assert.Equal(a.Features, b.Features);
            Assert.Equal(a.Labels, b.Labels);
        }

        Assert.NotEqual(first.Training.Features, other.Training.Features);
        Assert.NotEqual(first.Training.Features, first.Test.Features);
    }

    [Fact]
    public void The_mlp_beats_logistic_regression_clearly()
    {
        var splits = DataSplits.Generate(40_000, 0, 40_000, 10, seed: 7);
        double AveragePrecision(TrainingSettings settings)
        {
            var model = MlpTrainer.Train(splits.Training, MethodCatalog.CrossEntropy, settings, seed: 7).Model;
            return RankingMetrics.AveragePrecision(model.PredictLogits(splits.Test), splits.Test.Labels);
        }

        var linear = AveragePrecision(TrainingSettings.Linear(epochs: 6));
        var mlp = AveragePrecision(TrainingSettings.Mlp(epochs: 6));
        Assert.True(mlp > linear + 0.25, $"MLP AP {mlp}, logistic regression AP {linear}");
    }
}
