using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Rows whose scale is far beyond float's range — weights up to float's largest, class α up to 3e38 (coefficients up to
/// about 1e77), upstream gradients of 1e300 from a normalizer of 1e-300 — give the float64 reference's results within
/// the usual bound taken at the row's scale, overflow to ∞ only where the reference's value is beyond the type, and never
/// a NaN the reference does not have; every SIMD path (registers of rows as lanes, rows alone) gives the same bits, and
/// 16-bit storage the float results rounded once.
/// </summary>
public sealed class SoftmaxScaleRangeTests
{
    private static readonly double[] WeightScales = [1, 1e20, 3e30, 1.7e38];

    private static readonly double[] AlphaScales = [1, 1e19, 3e37];

    private static readonly double[] Normalizers = [1e-25, 1e-300];

    private static readonly FocalReduction[] ScaledReductions =
        [FocalReduction.Sum, FocalReduction.Normalized(1e-300), FocalReduction.WeightedMean];

    private static Arbitrary<SoftmaxCase> ScaledCases { get; } = SoftmaxCases.Scaled(WeightScales, AlphaScales).ToArbitrary();

    private static Arbitrary<(SoftmaxCase Case, double Normalizer)> NormalizedCases { get; } =
        (from value in SoftmaxCases.Scaled(WeightScales, AlphaScales)
         from normalizer in Gen.Elements(Normalizers)
         select (value, normalizer)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property Float_scaled_rows_match_the_reference_at_their_scale()
        => Prop.ForAll(ScaledCases, c => CheckFused<float>(c, SoftmaxAccuracyTests.FloatRelative));

    [Property(MaxTest = 100)]
    public Property Double_scaled_rows_match_the_reference_at_their_scale()
        => Prop.ForAll(ScaledCases, c => CheckFused<double>(c, SoftmaxAccuracyTests.DoubleRelative));

    [Property(MaxTest = 200)]
    public Property Float_gradients_over_a_tiny_normalizer_match_the_reference_at_their_scale()
        => Prop.ForAll(NormalizedCases, c => CheckNormalized<float>(c.Case, c.Normalizer, SoftmaxAccuracyTests.FloatRelative));

    [Property(MaxTest = 100)]
    public Property Double_gradients_over_a_tiny_normalizer_match_the_reference_at_their_scale()
        => Prop.ForAll(NormalizedCases, c => CheckNormalized<double>(c.Case, c.Normalizer, SoftmaxAccuracyTests.DoubleRelative));

    [Property(MaxTest = 60)]
    public Property Float_every_path_gives_the_same_bits_at_any_scale()
        => Prop.ForAll(ScaledCases, c => SoftmaxIdentityTests.SamePerPath<float>(c, ScaledReductions));

    [Property(MaxTest = 30)]
    public Property Double_every_path_gives_the_same_bits_at_any_scale()
        => Prop.ForAll(ScaledCases, c => SoftmaxIdentityTests.SamePerPath<double>(c, ScaledReductions));

    /// <summary>Half's weights stay within its range (65504); its class α go to 3e37.</summary>
    [Property(MaxTest = 100)]
    public Property Half_scaled_rows_are_the_float_results_rounded_once()
        => Prop.ForAll(SoftmaxCases.Scaled([1], [1e19, 3e37]).ToArbitrary(), c => SoftmaxSixteenBitTests.RoundedOnce(
            c, v => (double)(Half)v, v => (Half)v, h => (float)h, BitConverter.HalfToUInt16Bits));

    /// <summary>BFloat16's weights stay below float's largest, which rounds to ∞ in BFloat16.</summary>
    [Property(MaxTest = 100)]
    public Property BFloat16_scaled_rows_are_the_float_results_rounded_once()
        => Prop.ForAll(SoftmaxCases.Scaled([1, 1e30, 1e37], [1, 3e37]).ToArbitrary(), c => SoftmaxSixteenBitTests.RoundedOnce(
            c, v => (double)(float)(BFloat16)(float)v, v => (BFloat16)v, b => (float)b, b => b.RawValue));

    /// <summary>The row that once gave NaN: a confident row whose loss underflows to 0, with weight·α beyond float's range.</summary>
    [Fact]
    public void A_confident_row_weighted_beyond_float_range_has_a_zero_loss_not_NaN()
    {
        var losses = new float[2];
        var gradient = new float[6];
        SoftmaxFocalLoss.ForwardBackward<float, int>([0, 100, -3, 1, 2, 3], [1, 0], 3, losses, gradient,
            new() { Gamma = 2, ClassAlpha = [1, 3e38, 1], Weights = [100, 2] });
        Assert.Equal(0f, losses[0]);
        Assert.True(float.IsFinite(losses[1]), $"loss[1] = {losses[1]}");
        Assert.All(gradient, g => Assert.False(float.IsNaN(g), string.Join(", ", gradient)));
    }

    /// <summary>Per-sample losses and gradients of a fused call.</summary>
    private static void CheckFused<T>(SoftmaxCase value, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (expectedLosses, expectedGradient, scale) = value.Expected(out var lossScales);
        var (losses, gradient) = SoftmaxRun<T>.Fused(value);
        for (var row = 0; row < value.Rows; row++)
        {
            var logits = value.Logits.AsSpan(row * value.Classes, value.Classes);
            if (T.IsPositiveInfinity(losses[row]) && SoftmaxAccuracyTests.SpreadOverflows<T>(logits))
                continue;
            AssertClose(losses[row], expectedLosses[row], lossScales[row], RowScale(value, row), tolerance, $"loss[{row}]", value);
        }

        for (var i = 0; i < gradient.Length; i++)
            AssertClose(gradient[i], expectedGradient[i], scale[i], RowScale(value, i / value.Classes), tolerance, $"gradient[{i}]", value);
    }

    /// <summary>The gradient of the normalized sum: each row's reference gradient over the normalizer.</summary>
    private static void CheckNormalized<T>(SoftmaxCase value, double normalizer, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (_, expected, scale) = value.Expected();
        var gradient = SoftmaxRun<T>.ReducedBackward(value, FocalReduction.Normalized(normalizer), T.One);
        for (var i = 0; i < gradient.Length; i++)
        {
            AssertClose(gradient[i], expected[i] / normalizer, scale[i] / normalizer, RowScale(value, i / value.Classes) / normalizer,
                tolerance, $"gradient[{i}] over {normalizer:R}", value);
        }
    }

    /// <summary>A row's scale: its weight times the largest class α (the unit of its absolute error floor).</summary>
    private static double RowScale(SoftmaxCase value, int row)
        => Math.Max((value.Weights?[row] ?? 1) * (value.ClassAlpha is null ? 1 : value.ClassAlpha.Max()), 1);

    /// <summary>
    /// Equal to the reference rounded to <typeparamref name="T"/> (which covers overflow to ∞), or within the bound with the
    /// absolute floor taken at <paramref name="rowScale"/>; ∞ counts as the type's largest, so that it passes only where the
    /// reference is within the bound of it.
    /// </summary>
    private static void AssertClose<T>(T result, double expected, double scale, double rowScale, double tolerance, string what, SoftmaxCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (result == T.CreateTruncating(expected) || (T.IsNaN(result) && double.IsNaN(expected)))
            return;
        var largest = Stored.MaxValue<T>();
        var actual = Math.Clamp(double.CreateTruncating(result), -largest, largest);
        var error = Math.Abs(actual - expected);
        var bound = (tolerance * scale) + (Tolerances.AbsoluteFloor * rowScale);
        Assert.True(error <= bound, string.Create(CultureInfo.InvariantCulture,
            $"{what}: {result} vs reference {expected:R} (error {error:E3}, bound {bound:E3}) for {value}"));
    }
}
