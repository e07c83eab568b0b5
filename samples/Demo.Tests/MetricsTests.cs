namespace FocalAot.Demo.Tests;

/// <summary>Average precision, ROC-AUC and the threshold metrics against small hand-worked cases.</summary>
public sealed class MetricsTests
{
    [Fact]
    public void Average_precision_sums_precision_at_each_recall_step()
    {
        // Ranked 1, 0, 1, 0: recall 1/2 at precision 1, then recall 1 at precision 2/3.
        Assert.Equal((0.5 * 1) + (0.5 * 2.0 / 3), RankingMetrics.AveragePrecision([0.9f, 0.8f, 0.7f, 0.6f], [1, 0, 1, 0]), 15);
    }

    [Fact]
    public void Average_precision_takes_tied_scores_as_one_threshold()
    {
        // Three tied at 0.5 (one positive): recall 1/2 at precision 1/3; then 0.1: recall 1 at precision 1/2.
        Assert.Equal((0.5 / 3) + (0.5 * 0.5), RankingMetrics.AveragePrecision([0.5f, 0.5f, 0.5f, 0.1f], [0, 1, 0, 1]), 15);
    }

    [Fact]
    public void Roc_auc_is_the_share_of_correctly_ordered_pairs_with_ties_counting_half()
    {
        Assert.Equal(0.75, RankingMetrics.RocAuc([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), 15);
        Assert.Equal(0.5, RankingMetrics.RocAuc([0.5f, 0.5f], [0, 1]), 15);
        Assert.Equal(1, RankingMetrics.RocAuc([-3f, 2f, 7f], [0, 1, 1]), 15);
    }

    [Fact]
    public void Ranking_metrics_without_positives_are_undefined()
    {
        Assert.True(double.IsNaN(RankingMetrics.AveragePrecision([0.2f, 0.4f], [0, 0])));
        Assert.True(double.IsNaN(RankingMetrics.RocAuc([0.2f, 0.4f], [0, 0])));
    }

    [Fact]
    public void Recall_precision_f1_and_balanced_accuracy_at_the_threshold()
    {
        // Called positive: 0.9 (right), 0.6 (wrong), 0.7 (right); missed: 0.4. TP 2, FP 1, FN 1, TN 1.
        var counts = ConfusionCounts.At([0.9, 0.6, 0.4, 0.2, 0.7], [1, 0, 1, 0, 1], 0.5);
        Assert.Equal(new ConfusionCounts(2, 1, 1, 1), counts);
        Assert.Equal(2.0 / 3, counts.Recall, 15);
        Assert.Equal(2.0 / 3, counts.Precision, 15);
        Assert.Equal(2.0 / 3, counts.F1, 15);
        Assert.Equal(((2.0 / 3) + 0.5) / 2, counts.BalancedAccuracy, 15);
    }

    [Fact]
    public void A_probability_at_the_threshold_counts_as_positive_and_no_calls_give_precision_zero()
    {
        Assert.Equal(1, ConfusionCounts.At([0.5], [1], 0.5).Recall);
        var none = ConfusionCounts.At([0.1, 0.2], [1, 0], 0.5);
        Assert.Equal(0, none.Precision);
        Assert.Equal(0, none.F1);
        Assert.Equal(0.5, none.BalancedAccuracy);
    }

    [Fact]
    public void Temperature_scaling_changes_calibration_but_not_the_ranking()
    {
        float[] logits = [-4f, -1f, 0.5f, 2f, -3f, 1f];
        byte[] labels = [0, 0, 1, 1, 0, 0];
        var asTrained = TestMetrics.Of(new Predictions(logits, labels));
        var scaled = TestMetrics.Of(new Predictions(logits, labels, temperature: 3));
        Assert.Equal(asTrained.AveragePrecision, scaled.AveragePrecision);
        Assert.Equal(asTrained.RocAuc, scaled.RocAuc);
        Assert.NotEqual(asTrained.BrierScore, scaled.BrierScore);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void A_temperature_fit_at_a_limit_leaves_the_model_unscaled(double fitted)
    {
        var fit = new TemperatureFit(fitted);
        Assert.False(fit.IsUsable);
        Assert.Equal(1, fit.Applied);
    }

    [Fact]
    public void Separable_validation_logits_fit_temperature_zero_and_fall_back()
    {
        var fit = TemperatureFit.Fit(new Predictions([-2f, -1f, 1f, 2f], [0, 0, 1, 1]));
        Assert.Equal(0, fit.Fitted);
        Assert.Equal(1, fit.Applied);
    }

    [Fact]
    public void Logits_pointing_the_wrong_way_fit_an_infinite_temperature_and_fall_back()
    {
        var fit = TemperatureFit.Fit(new Predictions([2f, 1f, -1f, -2f, 0.5f], [0, 0, 1, 1, 1]));
        Assert.Equal(double.PositiveInfinity, fit.Fitted);
        Assert.Equal(1, fit.Applied);
    }

    [Fact]
    public void Overconfident_logits_fit_a_temperature_above_one()
    {
        var fit = TemperatureFit.Fit(new Predictions([-6f, -5f, 5f, 6f, 4f, -4f], [0, 1, 1, 1, 0, 0]));
        Assert.True(fit.IsUsable && fit.Fitted > 1, $"T = {fit.Fitted}");
        Assert.Equal(fit.Fitted, fit.Applied);
    }
}
