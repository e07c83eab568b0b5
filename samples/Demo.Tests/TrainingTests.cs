namespace FocalAot.Demo.Tests;

/// <summary>One training step with each kind of kernel call lowers the loss of its batch.</summary>
public sealed class TrainingTests
{
    public static TheoryData<string> MethodNames => [.. MethodCatalog.Study.Select(method => method.Name)];

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void One_step_lowers_the_batch_loss(string methodName)
    {
        var method = MethodCatalog.Study.Single(candidate => candidate.Name == methodName);
        var data = SyntheticProblem.Generate(2_000, 10, new Random(3));
        var settings = TrainingSettings.Mlp(epochs: 1);
        var model = new Mlp<float>(data.FeatureCount, settings.HiddenWidths, seed: 4);
        var weights = ClassWeights.For(method.Weighting, data.NegativeCount, data.PositiveCount);
        var step = new TrainingStep(model, method, weights, settings);
        int[] batch = [.. Enumerable.Range(0, settings.BatchSize)];

        var before = step.Run(data, batch).Loss;
        var after = step.Run(data, batch).Loss;
        Assert.True(after < before, $"{methodName}: loss {before} before the step, {after} after");
    }

    [Fact]
    public void Training_makes_finite_timings_and_a_model_that_ranks()
    {
        var splits = DataSplits.Generate(20_000, 0, 10_000, 10, seed: 6);
        var result = MlpTrainer.Train(splits.Training, MethodCatalog.CrossEntropy, TrainingSettings.Mlp(epochs: 6), seed: 6);
        var metrics = TestMetrics.Of(new Predictions(result.Model.PredictLogits(splits.Test), splits.Test.Labels));
        Assert.True(result.KernelSecondsPerEpoch > 0 && result.StepSecondsPerEpoch > result.KernelSecondsPerEpoch);
        Assert.True(metrics.RocAuc > 0.9, $"ROC-AUC {metrics.RocAuc}");
    }
}
