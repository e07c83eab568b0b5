using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Calibration;

/// <summary>The documented results at the edges: no samples, one bin, confidences exactly 0 or 1, and confidences on a bin
/// edge (the bin closed on the right, as scikit-learn's calibration_curve).</summary>
public sealed class CalibrationEdgeTests
{
    [Fact]
    public void No_samples_give_NaN_means_and_empty_bins()
    {
        Assert.True(double.IsNaN(CalibrationMetrics.ExpectedCalibrationError<float>([], [])));
        Assert.True(double.IsNaN(CalibrationMetrics.MaximumCalibrationError<double>([], [], 3, CalibrationBinning.EqualMass)));
        Assert.True(double.IsNaN(CalibrationMetrics.ClasswiseExpectedCalibrationError<double>([], [], 4)));
        Assert.True(double.IsNaN(CalibrationMetrics.BrierScore<double>([], [])));
        Assert.True(double.IsNaN(CalibrationMetrics.NegativeLogLikelihood<float>([], [], 3)));
        Assert.Equal(1.0, CalibrationMetrics.FitTemperature<double>([], []));
        var counts = new long[] { 7, 7 };
        var means = new double[] { 1, 1 };
        var accuracies = new double[] { 1, 1 };
        CalibrationMetrics.ReliabilityDiagram<double>([], [], counts, means, accuracies);
        Assert.Equal([0L, 0L], counts);
        Assert.All(means.Concat(accuracies), value => Assert.True(double.IsNaN(value)));
    }

    [Property(MaxTest = 200)]
    public Property One_bin_gives_the_gap_between_mean_confidence_and_accuracy() => Prop.ForAll(
        CalibrationCases.Binary.Where(c => c.Confidences.Length > 0).ToArbitrary(), value =>
        {
            var gap = Math.Abs(value.Confidences.Average() - value.Labels.Average(y => (double)y));
            foreach (var binning in new[] { CalibrationBinning.EqualWidth, CalibrationBinning.EqualMass })
            {
                var ece = CalibrationMetrics.ExpectedCalibrationError<double>(value.Confidences, value.Labels, 1, binning);
                var mce = CalibrationMetrics.MaximumCalibrationError<double>(value.Confidences, value.Labels, 1, binning);
                CalibrationAccuracyTests.AssertClose(gap, ece, $"ECE of {value}");
                CalibrationAccuracyTests.AssertClose(gap, mce, $"MCE of {value}");
            }
        });

    [Property(MaxTest = 100)]
    public Property Confidences_of_exactly_0_and_1_fill_the_first_and_last_bins() => Prop.ForAll(
        Gen.Zip(Gen.Elements(0.0, 1.0).ArrayOf(), CalibrationCases.Bins).ToArbitrary(), input =>
        {
            var (confidences, bins) = input;
            var labels = confidences.Select(c => (byte)c).ToArray();
            var counts = new long[bins];
            CalibrationMetrics.ReliabilityDiagram<float>([.. confidences.Select(c => (float)c)], labels, counts, new double[bins], new double[bins]);
            Assert.Equal(bins == 1 ? confidences.Length : confidences.Count(c => c == 0), counts[0]);
            Assert.Equal(bins == 1 ? confidences.Length : confidences.Count(c => c == 1), counts[^1]);
            Assert.Equal(confidences.Length, counts.Sum());
            // Perfect predictions: no gap in any bin.
            Assert.Equal(confidences.Length == 0 ? double.NaN : 0.0, CalibrationMetrics.ExpectedCalibrationError<double>(confidences, labels, bins));
        });

    [Property(MaxTest = 200)]
    public Property A_confidence_on_an_edge_belongs_to_the_bin_below_it() => Prop.ForAll(
        Gen.Choose(2, 200).SelectMany(bins => Gen.Choose(1, bins - 1).Select(k => (bins, k))).ToArbitrary(), input =>
        {
            var (bins, k) = input;
            var edge = k * (1.0 / bins);
            double[] confidences = [edge, Math.BitIncrement(edge)];
            var counts = new long[bins];
            CalibrationMetrics.ReliabilityDiagram<double>(confidences, [0, 0], counts, new double[bins], new double[bins]);
            Assert.Equal(1, counts[k - 1]);
            Assert.Equal(1, counts[k]);
        });

    [Property(MaxTest = 100)]
    public Property Float_confidences_next_to_an_edge_take_the_exact_rule_on_every_path() => Prop.ForAll(
        Gen.Choose(1, 4096).SelectMany(bins => CalibrationCases.Confidence(bins).ArrayOf(40).Select(c => (bins, c))).ToArbitrary(), input =>
        {
            var (bins, confidences) = input;
            using var scope = new Support.RuntimeSettingsScope();
            var labels = new byte[confidences.Length];
            var expected = CalibrationMetrics.ExpectedCalibrationError<double>(confidences, labels, bins);
            CalibrationAccuracyTests.AssertClose(
                Reference.CalibrationReference.ExpectedCalibrationError(confidences, labels, bins, equalMass: false), expected, "ECE");
            foreach (var path in Support.RuntimeSettingsScope.AvailablePaths)
            {
                FocalRuntime.ActivePath = path;
                Assert.Equal(expected, CalibrationMetrics.ExpectedCalibrationError<float>([.. confidences.Select(c => (float)c)], labels, bins));
            }
        });

    [Property(MaxTest = 50)]
    public Property Ties_in_a_row_count_the_first_arg_max() => Prop.ForAll(ScalarGenerators.Unit.ToArbitrary(), share =>
    {
        // Classes 0 and 1 always tie: the prediction is class 0 where they are the top, else class 2; never class 1.
        var tie = Math.Min(share, 0.5);
        double[] probabilities = [tie, tie, 1 - (2 * tie)];
        var top = probabilities.Max();
        Assert.Equal(probabilities[0] == top ? 1 - top : top, CalibrationMetrics.ExpectedCalibrationError<double>(probabilities, [0], 3, 1));
        Assert.Equal(top, CalibrationMetrics.ExpectedCalibrationError<double>(probabilities, [1], 3, 1));
    });
}
