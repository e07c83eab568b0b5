namespace FocalAot.Demo.Tests;

/// <summary>The MLP's backward pass against central finite differences of the loss, all in double.</summary>
public sealed class MlpGradientTests
{
    private const double Step = 1e-6;

    [Theory]
    [InlineData(0.0, -1.0)]
    [InlineData(2.0, 0.25)]
    public void Backward_matches_central_differences_of_the_focal_loss(double gamma, double alpha)
    {
        var data = SyntheticProblem.Generate(24, 3, new Random(5));
        var model = new Mlp<double>(data.FeatureCount, [6, 4], seed: 11);
        var pass = new MlpPass<double>(model, data.Count);
        int[] indices = [.. Enumerable.Range(0, data.Count)];
        double[] targets = [.. data.Labels.Select(label => (double)label)];
        pass.Load(data, indices);

        var logitGradient = new double[data.Count];
        SigmoidFocalLoss.ForwardBackward(pass.Forward(), targets, logitGradient, Options(gamma, alpha));
        var analytic = new double[model.Parameters.Length];
        pass.Backward(logitGradient, analytic);

        double Loss() => SigmoidFocalLoss.Forward(pass.Forward(), targets, Options(gamma, alpha));
        for (var k = 0; k < model.Parameters.Length; k++)
        {
            var original = model.Parameters[k];
            model.Parameters[k] = original + Step;
            var above = Loss();
            model.Parameters[k] = original - Step;
            var below = Loss();
            model.Parameters[k] = original;
            var numeric = (above - below) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[k]) <= 1e-7 + (1e-5 * Math.Abs(numeric)),
                $"parameter {k}: analytic {analytic[k]:R}, numeric {numeric:R}");
        }
    }

    private static FocalLossOptions<double> Options(double gamma, double alpha)
        => new() { Gamma = gamma, Alpha = alpha, Reduction = FocalReduction.Mean };

    [Fact]
    public void Without_hidden_layers_the_model_is_logistic_regression()
    {
        var data = SyntheticProblem.Generate(8, 3, new Random(1));
        var model = new Mlp<double>(data.FeatureCount, [], seed: 2);
        var logits = model.PredictLogits(data);
        var weights = model.WeightsOf(model.Parameters, 0).ToArray();
        var bias = model.BiasesOf(model.Parameters, 0)[0];
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i).ToArray();
            var expected = bias + row.Select((x, j) => x * weights[j]).Sum();
            Assert.Equal(expected, logits[i], 12);
        }
    }
}
