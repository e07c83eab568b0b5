using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Sum, mean, normalized sum and weighted mean against the float64 reference, the reduced gradient as the per-sample
/// gradient over the denominator, the reduced loss as the double sum of the per-sample losses, and torch's weighted mean.
/// </summary>
public sealed class SoftmaxReductionTests
{
    /// <summary>Promised relative error of a float sum or mean beyond the per-element bound.</summary>
    private const double FloatSumRelative = 1e-6;

    /// <summary>The same for double.</summary>
    private const double DoubleSumRelative = 1e-12;

    [Property(MaxTest = 200)]
    public Property Float_reduced_losses_and_gradients_match_the_reference() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), Check<float>);

    [Property(MaxTest = 200)]
    public Property Double_reduced_losses_and_gradients_match_the_reference() => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), Check<double>);

    [Property(MaxTest = 200)]
    public Property Float_reduced_loss_is_the_double_sum_of_the_per_sample_losses_divided_once()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), SumOfPerSample<float>);

    [Property(MaxTest = 200)]
    public Property Double_reduced_loss_is_the_double_sum_of_the_per_sample_losses_divided_once()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), SumOfPerSample<double>);

    [Fact]
    public void Every_row_ignored_gives_a_NaN_mean_a_zero_sum_and_a_zero_gradient()
    {
        EveryRowIgnored<float>();
        EveryRowIgnored<double>();
    }

    /// <summary>
    /// The mean divides the sum by the rows whose target is not ignore_index, counted for int and long targets alike: here
    /// an ignore_index beyond int's range, which two long targets equal and no int target can.
    /// </summary>
    [Fact]
    public void Mean_divides_by_the_rows_not_at_ignore_index_for_int_and_long_targets()
    {
        const int Classes = 3;
        const long Ignored = 1L << 40;
        double[] logits = [0.5, -1, 2, /**/ 3, 1, -2, /**/ -0.5, 0, 1.5, /**/ 9, -9, 4, /**/ 0.25, 0.75, -3];
        int[] ints = [0, 1, 2, 1, 0];
        long[] longs = [0, Ignored, 2, Ignored, 0];
        var mean = new FocalLossOptions<double> { Gamma = 2, Reduction = FocalReduction.Mean, IgnoreIndex = Ignored };
        var sum = new FocalLossOptions<double> { Gamma = 2, Reduction = FocalReduction.Sum, IgnoreIndex = Ignored };

        var intSum = SoftmaxFocalLoss.Forward<double, int>(logits, ints, Classes, sum);
        var longSum = SoftmaxFocalLoss.Forward<double, long>(logits, longs, Classes, sum);
        Assert.Equal(intSum / 5, SoftmaxFocalLoss.Forward<double, int>(logits, ints, Classes, mean));
        Assert.Equal(longSum / 3, SoftmaxFocalLoss.Forward<double, long>(logits, longs, Classes, mean));
    }

    /// <summary>
    /// torch's <c>cross_entropy(x, t, weight=w)</c> with the default mean: Σ w[t_i] (-log p_{t_i}) / Σ w[t_i], and its
    /// gradient w[t_i] (p_i - onehot(t_i)) / Σ w[t_i], written out here in double; a row at ignore_index counts nowhere.
    /// </summary>
    [Fact]
    public void Weighted_mean_with_class_alpha_is_torchs_weighted_cross_entropy()
    {
        double[] logits = [0.5, -1.25, 2, 0.75, /**/ 3, 1, -2, 0.25, /**/ -0.5, 0, 1.5, -1, /**/ 9, -9, 4, 0];
        long[] targets = [1, 3, 2, -100];
        double[] classWeights = [1, 2, 0.5, 3];
        const int Classes = 4;

        var numerator = 0.0;
        var denominator = 0.0;
        var expectedGradient = new double[logits.Length];
        var scale = new double[logits.Length];
        for (var row = 0; row < 3; row++)
        {
            var x = logits.AsSpan(row * Classes, Classes);
            var max = x.ToArray().Max();
            var logZ = max + Math.Log(x.ToArray().Sum(v => Math.Exp(v - max)));
            var w = classWeights[targets[row]];
            numerator += w * (logZ - x[(int)targets[row]]);
            denominator += w;
            for (var k = 0; k < Classes; k++)
            {
                expectedGradient[(row * Classes) + k] = w * (Math.Exp(x[k] - logZ) - (k == targets[row] ? 1 : 0));
                scale[(row * Classes) + k] = w * (Math.Exp(x[k] - logZ) + (k == targets[row] ? 1 : 0));
            }
        }

        var expected = numerator / denominator;
        for (var i = 0; i < expectedGradient.Length; i++)
        {
            expectedGradient[i] /= denominator;
            scale[i] /= denominator;
        }

        TorchAgrees<float>(logits, targets, classWeights, expected, expectedGradient, scale, 1e-6);
        TorchAgrees<double>(logits, targets, classWeights, expected, expectedGradient, scale, 1e-12);
    }

    private static void TorchAgrees<T>(
        double[] logits, long[] targets, double[] classWeights, double expected, double[] expectedGradient, double[] scale, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = SoftmaxRun<T>.Convert(logits);
        var gradient = new T[x.Length];
        var options = new FocalLossOptions<T> { Gamma = 0, ClassAlpha = classWeights, Reduction = FocalReduction.WeightedMean };
        var loss = double.CreateTruncating(SoftmaxFocalLoss.ForwardBackward<T, long>(x, targets, 4, gradient, options));
        var forward = double.CreateTruncating(SoftmaxFocalLoss.Forward<T, long>(x, targets, 4, options));
        var name = typeof(T).Name;
        Assert.True(Math.Abs(loss - expected) <= relative * expected, $"{name} weighted mean {loss:R}, torch's {expected:R}");
        Assert.True(Math.Abs(forward - expected) <= relative * expected, $"{name} Forward weighted mean {forward:R}, torch's {expected:R}");
        for (var i = 0; i < x.Length; i++)
        {
            var actual = double.CreateTruncating(gradient[i]);
            Assert.True(Math.Abs(actual - expectedGradient[i]) <= relative * scale[i],
                $"{name} gradient[{i}] = {actual:R}, torch's {expectedGradient[i]:R}");
        }
    }

    private static void EveryRowIgnored<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var logits = SoftmaxRun<T>.Convert([0.5, -1, 2, 0, 7, 3, -2, 1, 0.25]);
        int[] targets = [-100, -100, -100];
        var name = typeof(T).Name;
        foreach (var reduction in SoftmaxResults<T>.AllReductions)
        {
            var options = new FocalLossOptions<T> { Reduction = reduction, ClassAlpha = [1, 2, 3] };
            var gradient = Enumerable.Repeat(T.CreateTruncating(42), logits.Length).ToArray();
            var fused = SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, 3, gradient, options);
            var forward = SoftmaxFocalLoss.Forward<T, int>(logits, targets, 3, options);
            var divides = reduction.Kind is FocalReductionKind.Mean or FocalReductionKind.WeightedMean;
            Assert.True(divides ? T.IsNaN(fused) : fused == T.Zero, $"{name} {reduction} ForwardBackward of no counted rows is {fused}");
            Assert.True(divides ? T.IsNaN(forward) : forward == T.Zero, $"{name} {reduction} Forward of no counted rows is {forward}");
            Assert.All(gradient, g => Assert.True(g == T.Zero, $"{name} {reduction} gradient {g} of an ignored row"));

            Array.Fill(gradient, T.CreateTruncating(42));
            SoftmaxFocalLoss.Backward<T, int>(logits, targets, 3, T.CreateTruncating(-2.5), gradient, options);
            Assert.All(gradient, g => Assert.True(g == T.Zero, $"{name} {reduction} Backward gradient {g} of an ignored row"));
        }
    }

    /// <summary>What the sum is divided by, from the definition: the counted rows, or Σ w_i a_{t_i} over them.</summary>
    internal static double Denominator(SoftmaxCase value, FocalReduction reduction)
    {
        if (reduction.Kind is not (FocalReductionKind.Mean or FocalReductionKind.WeightedMean))
            return reduction.Normalizer;
        var total = 0.0;
        for (var row = 0; row < value.Rows; row++)
        {
            if (value.Indices is not null && value.Indices[row] == value.IgnoreIndex)
                continue;
            if (reduction.Kind == FocalReductionKind.Mean)
            {
                total += 1;
                continue;
            }

            double ClassWeight(int c) => value.ClassAlpha?[c] ?? (value.Alpha < 0 ? 1 : value.Alpha);
            var classWeight = 0.0;
            if (value.Indices is not null)
            {
                classWeight = ClassWeight((int)value.Indices[row]);
            }
            else
            {
                for (var c = 0; c < value.Classes; c++)
                    classWeight += value.Probabilities![(row * value.Classes) + c] * ClassWeight(c);
            }

            total += (value.Weights?[row] ?? 1) * classWeight;
        }

        return total;
    }

    /// <summary>A normalizer from the case, like RetinaNet's number of positives: 0.5 plus the rows not ignored.</summary>
    private static FocalReduction[] ReductionsOf(SoftmaxCase value)
        =>
        [
            FocalReduction.Sum,
            FocalReduction.Mean,
            FocalReduction.Normalized(0.5 + Denominator(value, FocalReduction.Mean)),
            FocalReduction.WeightedMean,
        ];

    private static void Check<T>(SoftmaxCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // A row whose logits span more than T's range has an infinite loss in T but not in the reference.
        if (SoftmaxRun<T>.SpreadOverflows(value))
            return;
        var element = typeof(T) == typeof(float) ? SoftmaxAccuracyTests.FloatRelative : SoftmaxAccuracyTests.DoubleRelative;
        var sum = typeof(T) == typeof(float) ? FloatSumRelative : DoubleSumRelative;
        var (losses, gradient, scale) = value.Expected(out var lossScales);

        // The reduction adds the per-sample losses as stored in T, so one beyond T's range makes the sum infinite.
        var total = losses.Sum(loss => double.CreateTruncating(T.CreateTruncating(loss)));
        var upstream = T.CreateTruncating(-0.75);
        foreach (var reduction in ReductionsOf(value))
        {
            var denominator = Denominator(value, reduction);
            var (loss, fusedGradient) = SoftmaxRun<T>.Reduced(value, reduction);
            var forward = SoftmaxRun<T>.ReducedForward(value, reduction);
            var expected = total / denominator;

            // Relative to the sum of the terms' magnitudes: |expected| itself when no term is negative, more where a
            // negative Poly-1 ε lets a row's terms cancel (docs/NUMERICS.md §7).
            var lossScale = lossScales.Sum() / Math.Abs(denominator);
            SoftmaxAccuracyTests.AssertClose(loss, expected, lossScale, element + sum, $"{reduction} loss", value);
            SoftmaxAccuracyTests.AssertClose(forward, expected, lossScale, element + sum, $"{reduction} Forward loss", value);

            // With nothing to divide by the gradient is 0 / 0 or ±∞ per element; the ignored-rows fact covers that.
            if (denominator == 0)
                continue;
            var backward = SoftmaxRun<T>.ReducedBackward(value, reduction, upstream);
            for (var i = 0; i < gradient.Length; i++)
            {
                var what = string.Create(CultureInfo.InvariantCulture, $"{reduction} gradient[{i}] (denominator {denominator:R})");
                SoftmaxAccuracyTests.AssertClose(fusedGradient[i], gradient[i] / denominator, scale[i] / denominator, element, what, value);
                SoftmaxAccuracyTests.AssertClose(backward[i], gradient[i] * -0.75 / denominator, scale[i] * 0.75 / denominator, element,
                    "Backward " + what, value);
            }
        }
    }

    /// <summary>
    /// The reduced loss is (T)(Σ double(loss_i) / denominator) over the per-sample losses as returned, added in row order
    /// within chunks of about 16384 logits: exactly that within one chunk, within a few double units beyond.
    /// </summary>
    private static void SumOfPerSample<T>(SoftmaxCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = SoftmaxRun<T>.Forward(value);
        var sum = 0.0;
        foreach (var loss in losses)
            sum += double.CreateTruncating(loss);
        var oneChunk = value.Rows <= 16384 / value.Classes;
        foreach (var reduction in ReductionsOf(value))
        {
            var expected = T.CreateTruncating(sum / Denominator(value, reduction));
            var actual = SoftmaxRun<T>.ReducedForward(value, reduction);
            if (oneChunk || T.IsNaN(expected) || T.IsInfinity(expected))
            {
                Bits.AssertSame(expected, actual, $"{typeof(T).Name} {reduction} of {value}");
            }
            else
            {
                var ulps = Bits.UlpDistance(expected, actual);
                Assert.True(ulps <= 4, $"{typeof(T).Name} {reduction}: {actual} vs the row-order sum {expected} ({ulps} units) for {value}");
            }
        }
    }
}
