using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Calibration;

/// <summary>
/// Every metric against the independent float64 reference (<see cref="CalibrationReference"/>): within 1e-12 relative for
/// double data (with an absolute floor of 1e-14 for values near 0, the rounding of a sum of gaps of size 1), and float
/// data giving the bits of double data holding the same values (the binned metrics and the Brier score compute in double).
/// </summary>
public sealed class CalibrationAccuracyTests
{
    private const double Relative = 1e-12;

    private const double AbsoluteFloor = 1e-14;

    [Property(MaxTest = 300)]
    public Property Binary_binned_metrics_match_the_reference() => Prop.ForAll(CalibrationCases.Binary.ToArbitrary(), value =>
    {
        var equalMass = value.Binning == CalibrationBinning.EqualMass;
        var ece = CalibrationMetrics.ExpectedCalibrationError<double>(value.Confidences, value.Labels, value.Bins, value.Binning);
        var mce = CalibrationMetrics.MaximumCalibrationError<double>(value.Confidences, value.Labels, value.Bins, value.Binning);
        AssertClose(CalibrationReference.ExpectedCalibrationError(value.Confidences, value.Labels, value.Bins, equalMass), ece, $"ECE of {value}");
        AssertClose(CalibrationReference.MaximumCalibrationError(value.Confidences, value.Labels, value.Bins, equalMass), mce, $"MCE of {value}");
        Assert.Equal(ece, CalibrationMetrics.ExpectedCalibrationError<float>(value.Singles, value.Labels, value.Bins, value.Binning));
        Assert.Equal(mce, CalibrationMetrics.MaximumCalibrationError<float>(value.Singles, value.Labels, value.Bins, value.Binning));
    });

    [Property(MaxTest = 300)]
    public Property Reliability_bins_match_the_reference() => Prop.ForAll(CalibrationCases.Binary.ToArbitrary(), value =>
    {
        var (counts, means, accuracies) = CalibrationReference.Bins(
            value.Confidences, value.Labels, value.Bins, value.Binning == CalibrationBinning.EqualMass);
        var actualCounts = new long[value.Bins];
        var actualMeans = new double[value.Bins];
        var actualAccuracies = new double[value.Bins];
        CalibrationMetrics.ReliabilityDiagram<double>(value.Confidences, value.Labels, actualCounts, actualMeans, actualAccuracies, value.Binning);
        Assert.Equal(counts, actualCounts);
        for (var b = 0; b < value.Bins; b++)
        {
            AssertClose(means[b], actualMeans[b], $"mean confidence of bin {b} of {value}");
            AssertClose(accuracies[b], actualAccuracies[b], $"accuracy of bin {b} of {value}");
        }
    });

    /// <summary>
    /// Equal-mass bins of double confidences at full precision, many of them a few ulps apart (so the quantile edges
    /// depend on every bit of the order the values are sorted in): the reference's bins, counts exactly.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Equal_mass_bins_of_full_precision_doubles_match_the_reference() => Prop.ForAll(
        (from length in Gen.Choose(1, 3000)
         from bins in Gen.Choose(1, 40)
         from centre in ScalarGenerators.Unit
         from values in Gen.Frequency(
                 (1, ScalarGenerators.Unit),
                 (2, Gen.Choose(-64, 64).Select(k => Math.Clamp(centre + (k * (Math.BitIncrement(centre) - centre)), 0, 1))))
             .ArrayOf(length)
         from draws in ScalarGenerators.Unit.ArrayOf(length)
         select new BinaryCase(values, [.. values.Zip(draws, (c, u) => u < c ? (byte)1 : (byte)0)], bins, CalibrationBinning.EqualMass))
        .ToArbitrary(), value =>
        {
            var (counts, means, accuracies) = CalibrationReference.Bins(value.Confidences, value.Labels, value.Bins, equalMass: true);
            var actualCounts = new long[value.Bins];
            var actualMeans = new double[value.Bins];
            var actualAccuracies = new double[value.Bins];
            CalibrationMetrics.ReliabilityDiagram<double>(
                value.Confidences, value.Labels, actualCounts, actualMeans, actualAccuracies, CalibrationBinning.EqualMass);
            Assert.Equal(counts, actualCounts);
            AssertClose(CalibrationReference.ExpectedCalibrationError(value.Confidences, value.Labels, value.Bins, equalMass: true),
                CalibrationMetrics.ExpectedCalibrationError<double>(value.Confidences, value.Labels, value.Bins, CalibrationBinning.EqualMass),
                $"ECE of {value}");
        });

    [Property(MaxTest = 200)]
    public Property Binary_Brier_score_and_NLL_match_the_reference() => Prop.ForAll(CalibrationCases.Binary.ToArbitrary(), value =>
    {
        // The binary scores are the two-class scores of rows [1 − p, p] (the Brier score halved).
        var rows = value.Confidences.SelectMany(c => new[] { 1 - c, c }).ToArray();
        var classes = value.Labels.Select(y => (int)y).ToArray();
        var brier = CalibrationMetrics.BrierScore<double>(value.Confidences, value.Labels);
        AssertClose(CalibrationReference.MultiClassBrier(rows, classes, 2) / 2, brier, $"Brier score of {value}");
        Assert.Equal(brier, CalibrationMetrics.BrierScore<float>(value.Singles, value.Labels));
        AssertClose(CalibrationReference.MultiClassLogLoss(rows, classes, 2, Math.Pow(2, -52)),
            CalibrationMetrics.NegativeLogLikelihood<double>(value.Confidences, value.Labels), $"NLL of {value}");
        AssertClose(CalibrationReference.MultiClassLogLoss(rows, classes, 2, Math.Pow(2, -23)),
            CalibrationMetrics.NegativeLogLikelihood<float>(value.Singles, value.Labels), $"float NLL of {value}");
    });

    [Property(MaxTest = 150)]
    public Property Multi_class_metrics_match_the_reference() => Prop.ForAll(CalibrationCases.MultiClass.ToArbitrary(), value =>
    {
        var (p, y, c, bins) = (value.Probabilities, value.Labels, value.Classes, value.Bins);
        var equalMass = value.Binning == CalibrationBinning.EqualMass;
        var (top, correct) = CalibrationReference.TopLabel(p, y, c);
        AssertClose(CalibrationReference.ExpectedCalibrationError(top, correct, bins, equalMass),
            CalibrationMetrics.ExpectedCalibrationError<double>(p, y, c, bins, value.Binning), $"ECE of {value}");
        AssertClose(CalibrationReference.MaximumCalibrationError(top, correct, bins, equalMass),
            CalibrationMetrics.MaximumCalibrationError<double>(p, y, c, bins, value.Binning), $"MCE of {value}");
        AssertClose(CalibrationReference.ClasswiseExpectedCalibrationError(p, y, c, bins, equalMass),
            CalibrationMetrics.ClasswiseExpectedCalibrationError<double>(p, y, c, bins, value.Binning), $"class-wise ECE of {value}");
        AssertClose(CalibrationReference.MultiClassBrier(p, y, c), CalibrationMetrics.BrierScore<double>(p, y, c), $"Brier score of {value}");
        AssertClose(CalibrationReference.MultiClassLogLoss(p, y, c, Math.Pow(2, -52)),
            CalibrationMetrics.NegativeLogLikelihood<double>(p, y, c), $"NLL of {value}");
        Assert.Equal(CalibrationMetrics.ExpectedCalibrationError<double>(p, y, c, bins, value.Binning),
            CalibrationMetrics.ExpectedCalibrationError<float>(value.Singles, y, c, bins, value.Binning));
        Assert.Equal(CalibrationMetrics.ClasswiseExpectedCalibrationError<double>(p, y, c, bins, value.Binning),
            CalibrationMetrics.ClasswiseExpectedCalibrationError<float>(value.Singles, y, c, bins, value.Binning));

        var (counts, means, accuracies) = CalibrationReference.Bins(top, correct, bins, equalMass);
        var actualCounts = new long[bins];
        var actualMeans = new double[bins];
        var actualAccuracies = new double[bins];
        CalibrationMetrics.ReliabilityDiagram<double>(p, y, c, actualCounts, actualMeans, actualAccuracies, value.Binning);
        Assert.Equal(counts, actualCounts);
        for (var b = 0; b < bins; b++)
        {
            AssertClose(means[b], actualMeans[b], $"mean confidence of bin {b} of {value}");
            AssertClose(accuracies[b], actualAccuracies[b], $"accuracy of bin {b} of {value}");
        }
    });

    internal static void AssertClose(double expected, double actual, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: {actual:R}, expected NaN");
            return;
        }

        Assert.True(Math.Abs(actual - expected) <= (Relative * Math.Abs(expected)) + AbsoluteFloor,
            $"{what}: {actual:R}, reference {expected:R}");
    }
}
