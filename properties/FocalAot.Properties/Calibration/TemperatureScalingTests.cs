using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Calibration;

/// <summary>Temperature scaling against a golden-section search of the float64 reference NLL: the same minimizer, and the
/// NLL's derivative in T vanishing at the fitted temperature.</summary>
public sealed class TemperatureScalingTests
{
    /// <summary>Validation sets whose best temperature lies in [0.05, 20]: logits of a scale, shifted towards the label.</summary>
    private static Gen<(double[] Logits, int[] Labels, int Classes)> Sets { get; } =
        from rows in Gen.Choose(20, 400)
        from classes in Gen.Choose(2, 12)
        from scale in Gen.Elements(0.3, 1.0, 4.0)
        from margin in ScalarGenerators.Uniform(0.5, 3)
        from noise in ScalarGenerators.Normal(0, 1).ArrayOf(rows * classes)
        from labels in Gen.Choose(0, classes - 1).ArrayOf(rows)
        select (Enumerable.Range(0, rows * classes)
            .Select(i => (double)(float)(scale * (noise[i] + (i % classes == labels[i / classes] ? margin : 0)))).ToArray(), labels, classes);

    [Property(MaxTest = 40)]
    public Property Multi_class_temperature_is_the_minimizer_of_the_NLL() => Prop.ForAll(Sets.ToArbitrary(), set =>
    {
        var (logits, labels, classes) = set;
        var fitted = CalibrationMetrics.FitTemperature<double>(logits, labels, classes);
        double Loss(double t) => CalibrationReference.SoftmaxLogLoss(logits, labels, classes, t);
        var ranked = Enumerable.Range(0, labels.Length)
            .All(row => logits.Skip(row * classes).Take(classes).Max() == logits[(row * classes) + labels[row]]);
        Assert.Equal(ranked, fitted == 0);
        if (fitted == 0)
        {
            // Every row ranked right (a small set with a wide margin): the NLL falls all the way to T → 0.
            Assert.True(Loss(1e-6) <= Loss(1e-3), $"T = 0, but the NLL is {Loss(1e-6)} at 1e-6 and {Loss(1e-3)} at 1e-3");
            return;
        }

        // A nearly separable set has its minimum at a tiny T: the bracket spans far beyond any generated set's optimum.
        var reference = CalibrationReference.GoldenSectionTemperature(Loss, 1e-9, 1e9);
        Assert.True(Loss(fitted) <= Loss(reference) * (1 + 1e-12),
            $"NLL {Loss(fitted):R} at T = {fitted:R}, {Loss(reference):R} at {reference:R}");
        // The NLL is flat at its minimum: golden section finds T to about √ε relative; the derivative is the sharp test.
        Assert.InRange(fitted / reference, 1 - 1e-6, 1 + 1e-6);
        var slope = CalibrationReference.SoftmaxLogLossSlope(logits, labels, classes, fitted);
        var scale = CalibrationReference.SoftmaxLogLossSlope(logits, labels, classes, fitted * 1.01);
        Assert.True(Math.Abs(slope) <= 1e-9 * Math.Abs(scale), $"dNLL/dT at T = {fitted:R} is {slope:R} (at 1.01 T: {scale:R})");
        Assert.Equal(fitted, CalibrationMetrics.FitTemperature<float>([.. logits.Select(z => (float)z)], labels, classes));
    });

    [Property(MaxTest = 40)]
    public Property Binary_temperature_is_the_two_class_temperature_of_logits_0_and_z() => Prop.ForAll(Sets.ToArbitrary(), set =>
    {
        var (logits, labels, classes) = set;
        // Binary logit z = z_1 − z_0 of the first two classes; label: whether class 1 beats class 0 in the label.
        var rows = labels.Length;
        var z = Enumerable.Range(0, rows).Select(r => logits[(r * classes) + 1] - logits[r * classes]).ToArray();
        var y = Enumerable.Range(0, rows).Select(r => labels[r] == 1 ? (byte)1 : (byte)0).ToArray();
        var pairs = z.SelectMany(v => new[] { 0.0, v }).ToArray();
        var fitted = CalibrationMetrics.FitTemperature<double>(z, y);
        if (double.IsFinite(fitted) && fitted > 0)
        {
            var slope = CalibrationReference.SoftmaxLogLossSlope(pairs, [.. y.Select(v => (int)v)], 2, fitted);
            var scale = CalibrationReference.SoftmaxLogLossSlope(pairs, [.. y.Select(v => (int)v)], 2, fitted * 1.01);
            Assert.True(Math.Abs(slope) <= 1e-9 * Math.Abs(scale), $"dNLL/dT at T = {fitted:R} is {slope:R}");
        }
        else
        {
            // No interior minimum: the NLL must keep falling towards the returned limit.
            var low = CalibrationReference.SoftmaxLogLoss(pairs, [.. y.Select(v => (int)v)], 2, 1e-3);
            var high = CalibrationReference.SoftmaxLogLoss(pairs, [.. y.Select(v => (int)v)], 2, 1e3);
            Assert.True(fitted == 0 ? low < high : high < low, $"T = {fitted}, NLL {low} at 1e-3 and {high} at 1e3");
        }
    });

    [Theory]
    [InlineData(new[] { 2.0, -1, 3, -0.5 }, new byte[] { 1, 0, 1, 0 })]
    [InlineData(new[] { 40.0, -40, 0 }, new byte[] { 1, 0, 1 })]
    [InlineData(new[] { 1e-3, 0 }, new byte[] { 1, 0 })]
    public void Logits_that_rank_every_label_first_give_temperature_zero(double[] logits, byte[] labels)
    {
        // The NLL reaches 0 in double at some T > 0 and its slope underflows there: that must not pass for a minimum.
        Assert.Equal(0, CalibrationMetrics.FitTemperature<double>(logits, labels));
        Assert.Equal(0, CalibrationMetrics.FitTemperature<float>([.. logits.Select(z => (float)z)], labels));
        double[] rows = [.. logits.SelectMany(z => new[] { 0.0, z })];
        Assert.Equal(0, CalibrationMetrics.FitTemperature<double>(rows, [.. labels.Select(y => (int)y)], 2));
    }

    [Fact]
    public void One_misranked_sample_gives_a_positive_finite_temperature()
    {
        var fitted = CalibrationMetrics.FitTemperature<double>([2.0, -1, 3, -0.5, 0.25], [1, 0, 1, 0, 0]);
        Assert.True(fitted > 0 && double.IsFinite(fitted), $"T = {fitted}");
    }

    [Fact]
    public void Logits_that_point_the_wrong_way_give_an_infinite_temperature()
        => Assert.Equal(double.PositiveInfinity, CalibrationMetrics.FitTemperature<double>([2.0, -1, 3], [0, 1, 0]));
}
