using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Fixed inputs at the edges random generation reaches only now and then: one class, rows without a softmax, -∞
/// logits, rows switched off, confident rows, γ below 1 as p_t → 1, cross-entropy, and a worked example.
/// </summary>
public sealed class SoftmaxEdgeTests
{
    private static readonly double[] Gammas = [0, 0.5, 2, 3.3];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void One_class_has_zero_loss_and_zero_gradient(double gamma)
    {
        OneClass<float>(gamma, upstream: false);
        OneClass<double>(gamma, upstream: false);
    }

    /// <summary>With one class p = 1 exactly, so the gradient is 0 whatever multiplies it.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void One_class_has_zero_gradient_for_any_upstream_gradient(double gamma)
    {
        OneClass<float>(gamma, upstream: true);
        OneClass<double>(gamma, upstream: true);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("+∞")]
    [InlineData("every logit -∞")]
    [InlineData("NaN and -∞")]
    public void A_row_without_a_softmax_is_NaN_and_leaves_the_other_rows_alone(string kind)
    {
        foreach (var gamma in Gammas)
        {
            WithoutSoftmax<float>(kind, gamma);
            WithoutSoftmax<double>(kind, gamma);
        }
    }

    /// <summary>p_t = 0 and q_t = 1, so g_t = c and the gradient is c (p - onehot(t)) with p over the finite logits.</summary>
    [Fact]
    public void A_negative_infinite_logit_at_the_target_gives_an_infinite_loss_and_the_limiting_gradient()
    {
        foreach (var gamma in Gammas)
        {
            foreach (var generic in new[] { false, true })
            {
                InfiniteAtTarget<float>(gamma, generic, SoftmaxAccuracyTests.FloatRelative);
                InfiniteAtTarget<double>(gamma, generic, SoftmaxAccuracyTests.DoubleRelative);
            }

            // With label smoothing every class carries mass: still an infinite loss and a finite gradient.
            var smoothed = new SoftmaxCase(5, [1, 2, double.NegativeInfinity, 0.5, -1], [2], null, gamma, 0.25, null, [1.5], 0.1, -100);
            SoftmaxAccuracyTests.Check<float>(smoothed, SoftmaxAccuracyTests.FloatRelative);
            SoftmaxAccuracyTests.Check<double>(smoothed, SoftmaxAccuracyTests.DoubleRelative);
            var (losses, gradient) = SoftmaxRun<double>.Fused(smoothed);
            Assert.True(double.IsPositiveInfinity(losses[0]), $"γ = {gamma}: smoothed loss {losses[0]}");
            Assert.All(gradient, g => Assert.True(double.IsFinite(g), $"γ = {gamma}: smoothed gradient {g}"));
        }
    }

    [Fact]
    public void A_negative_infinite_logit_without_target_mass_is_a_class_of_probability_zero()
    {
        foreach (var gamma in Gammas)
        {
            WithoutMass<float>(gamma, SoftmaxAccuracyTests.FloatRelative);
            WithoutMass<double>(gamma, SoftmaxAccuracyTests.DoubleRelative);
        }
    }

    [Fact]
    public void A_row_with_weight_zero_or_an_ignored_target_is_exactly_zero_whatever_its_logits()
    {
        SwitchedOff<float>();
        SwitchedOff<double>();
    }

    [Fact]
    public void An_ignore_index_inside_the_classes_skips_those_rows()
    {
        double[] logits = [0.5, -1, 2, /**/ 3, 0, -2, /**/ 1, 1, 4, /**/ -0.5, 2, 0];
        var kept = new SoftmaxCase(3, [.. logits[..3], .. logits[9..]], [0, 1], null, 2, 0.25, null, null, 0, -100);
        var (keptLosses, keptGradient) = SoftmaxRun<double>.Fused(kept);
        var losses = new double[4];
        var gradient = new double[12];
        var options = new FocalLossOptions<double> { IgnoreIndex = 2 };
        SoftmaxFocalLoss.ForwardBackward<double, int>(logits, [0, 2, 2, 1], 3, losses, gradient, options);
        Bits.AssertSame<double>([keptLosses[0], 0, 0, keptLosses[1]], losses, "losses");
        Bits.AssertSame<double>([.. keptGradient[..3], .. new double[6], .. keptGradient[3..]], gradient, "gradient");
        var mean = SoftmaxFocalLoss.Forward<double, int>(logits, [0, 2, 2, 1], 3, options with { Reduction = FocalReduction.Mean });
        Bits.AssertSame((keptLosses[0] + keptLosses[1]) / 2, mean, "mean over the two counted rows");
    }

    [Fact]
    public void No_rows_give_a_zero_sum_and_a_NaN_mean()
    {
        Assert.Equal(0f, SoftmaxFocalLoss.Forward<float, int>([], [], 7, new FocalLossOptions<float> { Reduction = FocalReduction.Sum }));
        Assert.True(float.IsNaN(SoftmaxFocalLoss.Forward<float, int>([], [], 7, new FocalLossOptions<float> { Reduction = FocalReduction.Mean })));
        Assert.True(double.IsNaN(SoftmaxFocalLoss.ForwardBackward<double, double>([], [], 7, [],
            new FocalLossOptions<double> { Reduction = FocalReduction.WeightedMean })));
        SoftmaxFocalLoss.ForwardBackward<double, long>([], [], 3, [], []);
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(80.0)]
    [InlineData(1e4)]
    public void Confident_rows_match_the_reference(double lead)
    {
        const int Classes = 10;
        var random = new Random(17);
        var logits = new List<double>();
        var targets = new List<long>();
        for (var row = 0; row < 6; row++)
        {
            var x = Enumerable.Range(0, Classes).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
            x[3] = (float)(x.Max() + lead);
            logits.AddRange(x.Select(v => (double)(float)v));
            targets.Add(row % 2 == 0 ? 3 : row);   // right and confident, or confidently wrong
        }

        foreach (var gamma in new[] { 0, 0.5, 2, 4.5 })
        {
            foreach (var smoothing in new[] { 0, 0.1 })
            {
                var value = new SoftmaxCase(Classes, [.. logits], [.. targets], null, gamma, 0.25, null, null, smoothing, -100);
                SoftmaxAccuracyTests.Check<float>(value, SoftmaxAccuracyTests.FloatRelative);
                SoftmaxAccuracyTests.Check<double>(value, SoftmaxAccuracyTests.DoubleRelative);
            }
        }
    }

    /// <summary>
    /// d(q^γ)/dq = γ q^(γ-1) is unbounded for γ &lt; 1, but with -log p ≈ q the target's slope is c q^γ (1 + γ) → 0.
    /// </summary>
    [Theory]
    [InlineData(15.0)]
    [InlineData(30.0)]
    [InlineData(60.0)]
    public void Gamma_one_half_keeps_the_gradient_finite_as_the_target_probability_goes_to_one(double lead)
    {
        var value = new SoftmaxCase(5, [0.125, -0.25, lead, 0.5, -1], [2], null, 0.5, -1, null, null, 0, -100);
        foreach (var generic in new[] { false, true })
        {
            AgreesWithReference<float>(value, generic, SoftmaxAccuracyTests.FloatRelative);
            AgreesWithReference<double>(value, generic, SoftmaxAccuracyTests.DoubleRelative);
        }

        var (_, gradient) = SoftmaxRun<double>.Fused(value);
        Assert.True(gradient[2] < 0 && double.IsFinite(gradient[2]), $"target gradient {gradient[2]:R}");
    }

    /// <summary>
    /// Soft targets, or label smoothing whose other classes carry no α, put all the slope on a class with p → 1: its
    /// gradient p_k Σ_{j≠k} g_j - q_k g_k is tiny and must not come from cancelling p_k Σ_j g_j against g_k.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    public void Dense_targets_on_a_confident_class_keep_the_gradient_accurate(double gamma)
    {
        SoftmaxCase[] cases =
        [
            new(2, [-4.63, 8.91], null, [0, 1], gamma, 0.48, null, null, 0, -100),
            new(2, [-4.63, 8.91], null, [0, 0.5], gamma, 0.48, null, null, 0, -100),
            new(4, [-3, 9, -1, 0.5], null, [0, 1, 0, 0], gamma, -1, null, null, 0, -100),
            new(2, [-4.63, 8.91], [1], null, gamma, 0.48, [0, 1], null, 0.1, -100),
        ];
        foreach (var value in cases)
        {
            SoftmaxAccuracyTests.Check<float>(value, SoftmaxAccuracyTests.FloatRelative);
            SoftmaxAccuracyTests.Check<double>(value, SoftmaxAccuracyTests.DoubleRelative);
        }
    }

    [Fact]
    public void Gamma_zero_with_alpha_off_is_cross_entropy()
    {
        const int Classes = 6;
        var random = new Random(23);
        var logits = Enumerable.Range(0, 4 * Classes).Select(_ => (double)(float)((random.NextDouble() * 10) - 5)).ToArray();
        long[] targets = [0, 5, 2, 3];
        foreach (var smoothing in new[] { 0, 0.1, 1 })
        {
            var expectedLosses = new double[targets.Length];
            var expectedGradient = new double[logits.Length];
            for (var row = 0; row < targets.Length; row++)
            {
                var x = logits.AsSpan(row * Classes, Classes).ToArray();
                var max = x.Max();
                var logSumExp = max + Math.Log(x.Sum(v => Math.Exp(v - max)));
                for (var k = 0; k < Classes; k++)
                {
                    var y = ((1 - smoothing) * (k == targets[row] ? 1 : 0)) + (smoothing / Classes);
                    expectedLosses[row] -= y * (x[k] - logSumExp);
                    expectedGradient[(row * Classes) + k] = Math.Exp(x[k] - logSumExp) - y;
                }
            }

            CrossEntropyAgrees<float>(logits, targets, smoothing, expectedLosses, expectedGradient, SoftmaxAccuracyTests.FloatRelative);
            CrossEntropyAgrees<double>(logits, targets, smoothing, expectedLosses, expectedGradient, SoftmaxAccuracyTests.DoubleRelative);
        }
    }

    /// <summary>
    /// logits [1, 2, 3], target 2, γ = 2, α = 0.25. By hand: p = (e^-2, e^-1, 1) / (1 + e^-1 + e^-2) =
    /// (0.090031, 0.244728, 0.665241); q_2 = 0.334759, -log p_2 = 0.407606; loss = 0.25 × 0.334759² × 0.407606 = 0.0114194.
    /// g_2 = 0.25 q² (1 + 2 p (-log p) / q) = 0.0280159 × 2.620046 = 0.0734019; the gradient is g_2 (p - onehot(2)) =
    /// (0.0066084, 0.0179635, -0.0245719).
    /// </summary>
    [Fact]
    public void A_worked_example_matches_the_computation_by_hand()
    {
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        double[] p = [Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z];
        var q = 1 - p[2];
        var minusLog = -Math.Log(p[2]);
        var loss = 0.25 * q * q * minusLog;
        var slope = 0.25 * q * q * (1 + (2 * p[2] * minusLog / q));
        double[] gradient = [p[0] * slope, p[1] * slope, (p[2] - 1) * slope];

        // The computation reproduces the numbers worked out by hand.
        Assert.Equal(0.665241, p[2], 6);
        Assert.Equal(0.407606, minusLog, 6);
        Assert.Equal(0.0114194, loss, 7);
        Assert.Equal(0.0734019, slope, 7);
        Assert.Equal(-0.0245719, gradient[2], 7);

        foreach (var generic in new[] { false, true })
        {
            WorkedExample<float>(loss, gradient, generic, 1e-6);
            WorkedExample<double>(loss, gradient, generic, 1e-12);
        }
    }

    private static void WorkedExample<T>(double loss, double[] gradient, bool generic, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = new T[1];
        var result = new T[3];
        var options = new FocalLossOptions<T> { Gamma = 2, Alpha = 0.25, ForceGenericKernel = generic };
        SoftmaxFocalLoss.ForwardBackward<T, int>(SoftmaxRun<T>.Convert([1, 2, 3]), [2], 3, losses, result, options);
        var what = $"{typeof(T).Name}{(generic ? " generic" : "")}";
        AssertRelative(losses[0], loss, loss, relative, $"{what} loss");
        for (var k = 0; k < 3; k++)
            AssertRelative(result[k], gradient[k], Math.Abs(gradient[k]), relative, $"{what} gradient[{k}]");
    }

    private static void CrossEntropyAgrees<T>(
        double[] logits, long[] targets, double smoothing, double[] expectedLosses, double[] expectedGradient, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var losses = new T[targets.Length];
        var gradient = new T[logits.Length];
        var options = new FocalLossOptions<T> { Gamma = 0, Alpha = -1, LabelSmoothing = smoothing };
        SoftmaxFocalLoss.ForwardBackward<T, long>(SoftmaxRun<T>.Convert(logits), targets, 6, losses, gradient, options);
        var what = string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} ε = {smoothing}");
        for (var row = 0; row < targets.Length; row++)
            AssertRelative(losses[row], expectedLosses[row], expectedLosses[row], relative, $"{what} loss[{row}]");
        for (var i = 0; i < gradient.Length; i++)
        {
            // p_k - y_k: relative to its two parts, which it may cancel.
            var p = expectedGradient[i] + ((1 - smoothing) * (i % 6 == targets[i / 6] ? 1 : 0)) + (smoothing / 6);
            AssertRelative(gradient[i], expectedGradient[i], p + (p - expectedGradient[i]), relative, $"{what} gradient[{i}]");
        }

        var mean = SoftmaxFocalLoss.Forward<T, long>(SoftmaxRun<T>.Convert(logits), targets, 6, options with { Reduction = FocalReduction.Mean });
        AssertRelative(mean, expectedLosses.Average(), expectedLosses.Average(), relative + 1e-6, $"{what} mean");
    }

    private static void OneClass<T>(double gamma, bool upstream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var logits = SoftmaxRun<T>.Convert([-3, 0, 7.5, 1e4, -1e4, 0.25]);
        var weights = SoftmaxRun<T>.Convert([1, 2, 0.5, 1, 3, 1]);
        var probabilities = SoftmaxRun<T>.Convert([1, 0.3, 0, 1, 0.5, 1]);
        var ups = SoftmaxRun<T>.Convert([1.5, -0.75, 3, 1, -2, 0.1]);
        int[] indices = [0, 0, 0, -100, 0, 0];
        foreach (var smoothing in new[] { 0, 0.1, 1 })
        {
            foreach (var soft in new[] { false, true })
            {
                var what = string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} γ = {gamma} ε = {smoothing} {(soft ? "soft" : "index")}");
                var options = new FocalLossOptions<T> { Gamma = gamma, Alpha = 0.25, Weights = weights, LabelSmoothing = smoothing };
                var losses = new T[6];
                var gradient = Enumerable.Repeat(T.CreateTruncating(9), 6).ToArray();
                if (!upstream)
                {
                    if (soft)
                        SoftmaxFocalLoss.ForwardBackward<T, T>(logits, probabilities, 1, losses, gradient, options);
                    else
                        SoftmaxFocalLoss.ForwardBackward<T, int>(logits, indices, 1, losses, gradient, options);
                    AllZero(losses, $"{what} losses");
                    AllZero(gradient, $"{what} gradient");
                    continue;
                }

                if (soft)
                    SoftmaxFocalLoss.Backward<T, T>(logits, probabilities, 1, ups, gradient, options);
                else
                    SoftmaxFocalLoss.Backward<T, int>(logits, indices, 1, ups, gradient, options);
                AllZero(gradient, $"{what} Backward gradient (upstream span)");
                var mean = options with { Reduction = FocalReduction.Mean };
                if (soft)
                    SoftmaxFocalLoss.Backward<T, T>(logits, probabilities, 1, T.CreateTruncating(-0.75), gradient, mean);
                else
                    SoftmaxFocalLoss.Backward<T, int>(logits, indices, 1, T.CreateTruncating(-0.75), gradient, mean);
                AllZero(gradient, $"{what} Backward gradient of the mean (upstream -0.75)");
            }
        }
    }

    private static void AllZero<T>(T[] values, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
            Assert.True(values[i] == T.Zero, $"{what}[{i}] = {values[i]}, not 0");
    }

    private static void WithoutSoftmax<T>(string kind, double gamma)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // 20 rows: a register of rows runs as lanes (one row per lane) on every SIMD path, the last rows one by one.
        const int Classes = 7, Rows = 20, Bad = 1;
        var random = new Random(3);
        var finite = Enumerable.Range(0, Rows * Classes).Select(_ => (random.NextDouble() * 8) - 4).ToArray();
        var broken = (double[])finite.Clone();
        var row = broken.AsSpan(Bad * Classes, Classes);
        switch (kind)
        {
            case "NaN":
                row[3] = double.NaN;
                break;
            case "+∞":
                row[0] = double.PositiveInfinity;
                break;
            case "every logit -∞":
                row.Fill(double.NegativeInfinity);
                break;
            default:
                row[..4].Fill(double.NegativeInfinity);
                row[6] = double.NaN;
                break;
        }

        var probabilities = Enumerable.Range(0, Rows * Classes).Select(i => (i % 3) * 0.25).ToArray();
        var targets = Enumerable.Range(0, Rows).Select(r => (long)(((r * 5) + 2) % Classes)).ToArray();
        var weights = Enumerable.Range(0, Rows).Select(r => r % 3 == 2 ? 0.5 : 1.0 + (r % 2)).ToArray();
        foreach (var soft in new[] { false, true })
        {
            foreach (var smoothing in new[] { 0, 0.1 })
            {
                SoftmaxCase Case(double[] logits) => new(Classes, logits, soft ? null : targets, soft ? probabilities : null, gamma, 0.25,
                    null, weights, smoothing, -100);
                var what = string.Create(CultureInfo.InvariantCulture,
                    $"{typeof(T).Name} {kind} γ = {gamma} ε = {smoothing} {(soft ? "soft" : "index")}");
                var good = SoftmaxResults<T>.Compute(Case(finite), reductions: [FocalReduction.Sum, FocalReduction.Mean]);
                var bad = SoftmaxResults<T>.Compute(Case(broken), reductions: [FocalReduction.Sum, FocalReduction.Mean]);
                Assert.True(T.IsNaN(bad.Losses[Bad]) && T.IsNaN(bad.ForwardLosses[Bad]), $"{what}: loss {bad.Losses[Bad]}");
                for (var k = 0; k < Classes; k++)
                {
                    var at = (Bad * Classes) + k;
                    Assert.True(T.IsNaN(bad.Gradient[at]) && T.IsNaN(bad.BackwardGradient[at]) && T.IsNaN(bad.ReducedFusedGradient[1][at]),
                        $"{what}: gradient[{at}] = {bad.Gradient[at]}, Backward {bad.BackwardGradient[at]}");
                }

                Assert.True(T.IsNaN(bad.ReducedForward[0]) && T.IsNaN(bad.ReducedFusedLoss[1]), $"{what}: sum {bad.ReducedForward[0]}");
                for (var other = 0; other < Rows; other++)
                {
                    if (other == Bad)
                        continue;
                    Bits.AssertSame(good.Losses[other], bad.Losses[other], $"{what}: loss[{other}]");
                    var slice = new Range(other * Classes, (other + 1) * Classes);
                    Bits.AssertSame<T>(good.Gradient[slice], bad.Gradient[slice], $"{what}: gradient of row {other}");
                    Bits.AssertSame<T>(good.BackwardGradient[slice], bad.BackwardGradient[slice], $"{what}: Backward gradient of row {other}");
                    Bits.AssertSame<T>(good.ReducedFusedGradient[0][slice], bad.ReducedFusedGradient[0][slice],
                        $"{what}: sum gradient of row {other}");
                }
            }
        }
    }

    private static void InfiniteAtTarget<T>(double gamma, bool generic, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] x = [1, 2, double.NegativeInfinity, 0.5, -1];
        const double C = 0.25 * 1.5;
        var z = x.Where(double.IsFinite).Sum(Math.Exp);
        var expected = x.Select((v, k) => k == 2 ? -C : C * Math.Exp(v) / z).ToArray();
        var logits = SoftmaxRun<T>.Convert(x);
        var weights = SoftmaxRun<T>.Convert([1.5]);
        var options = new FocalLossOptions<T> { Gamma = gamma, Alpha = 0.25, Weights = weights, ForceGenericKernel = generic };
        var what = string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} γ = {gamma}{(generic ? " generic" : "")}");
        var losses = new T[1];
        var gradient = new T[5];
        SoftmaxFocalLoss.ForwardBackward<T, long>(logits, [2], 5, losses, gradient, options);
        Assert.True(T.IsPositiveInfinity(losses[0]), $"{what}: loss {losses[0]}");
        for (var k = 0; k < 5; k++)
            AssertRelative(gradient[k], expected[k], Math.Abs(expected[k]), relative, $"{what} gradient[{k}]");

        SoftmaxFocalLoss.ForwardBackward<T, T>(logits, SoftmaxRun<T>.Convert([0, 0, 1, 0, 0]), 5, losses, gradient, options);
        Assert.True(T.IsPositiveInfinity(losses[0]), $"{what} soft: loss {losses[0]}");
        for (var k = 0; k < 5; k++)
            AssertRelative(gradient[k], expected[k], Math.Abs(expected[k]), relative, $"{what} soft gradient[{k}]");
    }

    private static void WithoutMass<T>(double gamma, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] with = [0.3, double.NegativeInfinity, 1.2, -0.7, 2.5];
        double[] without = [0.3, 1.2, -0.7, 2.5];
        var options = new FocalLossOptions<T> { Gamma = gamma, Alpha = 0.25 };
        var (losses, gradient) = (new T[1], new T[5]);
        SoftmaxFocalLoss.ForwardBackward<T, int>(SoftmaxRun<T>.Convert(with), [2], 5, losses, gradient, options);
        var (loss, expected, scale) = SoftmaxFocalReference.Row(without, [0, 0.25, 0, 0], gamma);
        var what = string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} γ = {gamma}");
        AssertRelative(losses[0], loss, loss, relative, $"{what} loss");
        Assert.True(gradient[1] == T.Zero, $"{what}: gradient at the -∞ logit {gradient[1]}");
        int[] other = [0, 2, 3, 4];
        for (var k = 0; k < 4; k++)
            AssertRelative(gradient[other[k]], expected[k], scale[k], relative, $"{what} gradient[{other[k]}]");
    }

    private static void SwitchedOff<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int Classes = 4;
        double[] logits =
        [
            double.NaN, 1, 2, 3,
            double.PositiveInfinity, 0, 0, 0,
            double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
            1e30, -1e30, 0, double.NaN,
            0.5, -1, 2, 0.25,
        ];
        var x = SoftmaxRun<T>.Convert(logits);
        var probabilities = SoftmaxRun<T>.Convert(Enumerable.Range(0, logits.Length).Select(i => (i % 4) * 0.25).ToArray());
        var upstream = SoftmaxRun<T>.Convert([1, -2, 3, 0.5, 1]);
        foreach (var soft in new[] { false, true })
        {
            // Index targets: row 3 is off by its ignored target; soft targets have no ignore index, so its weight is 0 too.
            var weights = SoftmaxRun<T>.Convert([0, 0, 0, soft ? 0 : 2, 1.5]);
            int[] indices = [1, 0, 3, -100, 2];
            var options = new FocalLossOptions<T> { Gamma = 2.5, Alpha = 0.25, Weights = weights, LabelSmoothing = 0.1 };
            var losses = Enumerable.Repeat(T.CreateTruncating(7), 5).ToArray();
            var gradient = Enumerable.Repeat(T.CreateTruncating(7), logits.Length).ToArray();
            var backward = (T[])gradient.Clone();
            if (soft)
            {
                SoftmaxFocalLoss.ForwardBackward<T, T>(x, probabilities, Classes, losses, gradient, options);
                SoftmaxFocalLoss.Backward<T, T>(x, probabilities, Classes, upstream, backward, options);
            }
            else
            {
                SoftmaxFocalLoss.ForwardBackward<T, int>(x, indices, Classes, losses, gradient, options);
                SoftmaxFocalLoss.Backward<T, int>(x, indices, Classes, upstream, backward, options);
            }

            var what = $"{typeof(T).Name} {(soft ? "soft" : "index")}";
            for (var row = 0; row < 4; row++)
            {
                Assert.True(Bits.Of(losses[row]) == 0, $"{what}: loss[{row}] = {losses[row]}, not +0");
                for (var k = row * Classes; k < (row + 1) * Classes; k++)
                {
                    Assert.True(Bits.Of(gradient[k]) == 0, $"{what}: gradient[{k}] = {gradient[k]}, not +0");
                    Assert.True(Bits.Of(backward[k]) == 0, $"{what}: Backward gradient[{k}] = {backward[k]}, not +0");
                }
            }

            Assert.True(T.IsFinite(losses[4]) && losses[4] > T.Zero, $"{what}: the live row's loss {losses[4]}");

            // Weight 0 still counts in a mean; an ignored row does not.
            var counted = soft ? 5 : 4;
            var mean = soft
                ? SoftmaxFocalLoss.Forward<T, T>(x, probabilities, Classes, options with { Reduction = FocalReduction.Mean })
                : SoftmaxFocalLoss.Forward<T, int>(x, indices, Classes, options with { Reduction = FocalReduction.Mean });
            Bits.AssertSame(T.CreateTruncating(double.CreateTruncating(losses[4]) / counted), mean, $"{what}: mean");
        }
    }

    private static void AgreesWithReference<T>(SoftmaxCase value, bool generic, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (expectedLosses, expectedGradient, scale) = value.Expected();
        var losses = new T[value.Rows];
        var gradient = new T[value.Logits.Length];
        var options = value.Options<T>(FocalReduction.None, default) with { ForceGenericKernel = generic };
        SoftmaxFocalLoss.ForwardBackward<T, long>(SoftmaxRun<T>.Convert(value.Logits), value.Indices, value.Classes, losses, gradient, options);
        var what = $"{typeof(T).Name}{(generic ? " generic" : "")}";
        for (var row = 0; row < value.Rows; row++)
            SoftmaxAccuracyTests.AssertClose(losses[row], expectedLosses[row], expectedLosses[row], relative, $"{what} loss[{row}]", value);
        for (var i = 0; i < gradient.Length; i++)
        {
            Assert.True(T.IsFinite(gradient[i]), $"{what}: gradient[{i}] = {gradient[i]}");
            SoftmaxAccuracyTests.AssertClose(gradient[i], expectedGradient[i], scale[i], relative, $"{what} gradient[{i}]", value);
        }
    }

    private static void AssertRelative<T>(T actual, double expected, double scale, double relative, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var value = double.CreateTruncating(actual);
        var error = Math.Abs(value - expected);
        Assert.True(error <= (relative * scale) + Tolerances.AbsoluteFloor,
            string.Create(CultureInfo.InvariantCulture, $"{what}: {value:R}, expected {expected:R} (error {error:E3})"));
    }
}
