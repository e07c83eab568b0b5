using System.Globalization;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Half and BFloat16 storage compute in float and round each result once: every per-element loss and gradient is the
/// float call's on the widened inputs (weights, upstream and class α included) rounded once to the storage type, bit for
/// bit; every reduced value is the double sum divided once and rounded once, so within half an ulp of the storage type
/// of the float call's exact quotient, and of the float64 reference within the float bound.
/// </summary>
public sealed class SixteenBitStorageTests
{
    [Property(MaxTest = 100)]
    public Property Half_per_element_results_are_the_float_results_rounded_once() => Prop.ForAll(WeightedCases.Mixed, RoundedOnce<Half>);

    [Property(MaxTest = 100)]
    public Property BFloat16_per_element_results_are_the_float_results_rounded_once() => Prop.ForAll(WeightedCases.Mixed, RoundedOnce<BFloat16>);

    [Property(MaxTest = 100)]
    public Property Half_reduced_results_are_within_half_an_ulp() => Prop.ForAll(WeightedCases.Mixed, ReducedWithinHalfAnUlp<Half>);

    [Property(MaxTest = 100)]
    public Property BFloat16_reduced_results_are_within_half_an_ulp() => Prop.ForAll(WeightedCases.Mixed, ReducedWithinHalfAnUlp<BFloat16>);

    [Property(MaxTest = 50)]
    public Property Half_in_place_equals_out_of_place() => Prop.ForAll(WeightedCases.Mixed, InPlaceEqualsOutOfPlace<Half>);

    [Property(MaxTest = 50)]
    public Property BFloat16_in_place_equals_out_of_place() => Prop.ForAll(WeightedCases.Mixed, InPlaceEqualsOutOfPlace<BFloat16>);

    /// <summary>Every one of the 65,536 bit patterns as a logit (NaNs, ±∞, subnormals), for hard and soft targets.</summary>
    [Theory]
    [InlineData(0.0, 2.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(0.25, 0.0)]
    public void Every_16_bit_logit_gives_the_float_result_rounded_once(double target, double gamma)
    {
        var logits = Enumerable.Range(0, 1 << 16).Select(bits => (double)BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray();
        var value = new WeightedCase(new FocalCase(logits, Enumerable.Repeat(target, logits.Length).ToArray(),
            Enumerable.Repeat(0.5, logits.Length).ToArray(), gamma, 0.25), null, null);
        RoundedOnce<Half>(value);

        var bfloat = Enumerable.Range(0, 1 << 16).Select(bits => (float)BFloat16.FromRawValue((ushort)bits)).ToArray();
        var x = Enumerable.Range(0, 1 << 16).Select(bits => BFloat16.FromRawValue((ushort)bits)).ToArray();
        var y = Stored.From<BFloat16>(value.Value.Targets);
        var (losses, gradient) = (new BFloat16[x.Length], new BFloat16[x.Length]);
        var (floatLosses, floatGradient) = (new float[x.Length], new float[x.Length]);
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, new() { Gamma = gamma });
        SigmoidFocalLoss.ForwardBackward(bfloat, Stored.ToFloat<BFloat16>(y), floatLosses, floatGradient, new() { Gamma = gamma });
        AssertRoundedOnce<BFloat16>(floatLosses, losses, "BFloat16 loss of every logit");
        AssertRoundedOnce<BFloat16>(floatGradient, gradient, "BFloat16 gradient of every logit");
    }

    [Fact]
    public void Half_ties_round_to_even() => TiesRoundToEven<Half>(significandBits: 10);

    [Fact]
    public void BFloat16_ties_round_to_even() => TiesRoundToEven<BFloat16>(significandBits: 7);

    /// <summary>
    /// Exact ties: at x = 0 with γ = 0 and no α the gradient is (1/2 - y)·u, exact in float for a stored target y and an
    /// upstream u of few bits. With y = 1/2 ± k·2^-(p+1) over every k (p stored significand bits) and u in {1.25, 1.5,
    /// 1.75, 1.125}, the products need one to three bits more than the storage keeps, so many lie halfway between two
    /// stored values, of both signs; each must round to the even one, as the scalar conversion does. The length is no
    /// multiple of a vector width, so ties fall in the vector part and in the remainder.
    /// </summary>
    private static void TiesRoundToEven<T>(int significandBits)
        where T : unmanaged
    {
        var targets = new List<double>();
        var upstreams = new List<double>();
        foreach (var upstream in (double[])[1.25, 1.5, 1.75, 1.125])
        {
            for (var k = 1; k < 1 << significandBits; k++)
            {
                var step = Math.ScaleB(k, -significandBits - 1);
                targets.AddRange([0.5 + step, 0.5 - step]);
                upstreams.AddRange([upstream, upstream]);
            }
        }

        var (y, u) = (Stored.From<T>(targets.ToArray()), Stored.From<T>(upstreams.ToArray()));
        var n = y.Length;
        var gradient = new T[n];
        var floatGradient = new float[n];
        SigmoidFocalLoss.Backward(new T[n], y, u, gradient, new FocalLossOptions<T> { Gamma = 0, Alpha = -1 });
        SigmoidFocalLoss.Backward(new float[n], Stored.ToFloat<T>(y), Stored.ToFloat<T>(u), floatGradient,
            new FocalLossOptions<float> { Gamma = 0, Alpha = -1 });

        var ties = 0;
        for (var i = 0; i < n; i++)
        {
            Assert.Equal((0.5 - targets[i]) * upstreams[i], floatGradient[i]);
            var rounded = Stored.FromFloat<T>(floatGradient[i]);
            var distance = Math.Abs(floatGradient[i] - Stored.ToDouble(rounded));
            ties += distance == 0.5 * Stored.SpacingToward(rounded, floatGradient[i]) ? 1 : 0;
        }

        Assert.True(ties > n / 8, Invariant($"only {ties} of {n} products are ties"));
        AssertRoundedOnce<T>(floatGradient, gradient, $"{typeof(T).Name} gradient at ties");
    }

    internal static void RoundedOnce<T>(WeightedCase value)
        where T : unmanaged
    {
        var (x, y, u, w) = Inputs<T>(value);
        var (xf, yf, uf) = (Stored.ToFloat<T>(x), Stored.ToFloat<T>(y), Stored.ToFloat<T>(u));
        var wf = w is null ? null : Stored.ToFloat<T>(w);
        var n = value.Length;
        var what = typeof(T).Name;

        var (losses, gradient) = (new T[n], new T[n]);
        var (floatLosses, floatGradient) = (new float[n], new float[n]);
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(w));
        SigmoidFocalLoss.Forward(xf, yf, floatLosses, value.Options(wf));
        AssertRoundedOnce<T>(floatLosses, losses, $"{what} loss");
        SigmoidFocalLoss.Backward(x, y, u, gradient, value.Options(w));
        SigmoidFocalLoss.Backward(xf, yf, uf, floatGradient, value.Options(wf));
        AssertRoundedOnce<T>(floatGradient, gradient, $"{what} gradient(upstream)");
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options(w));
        SigmoidFocalLoss.ForwardBackward(xf, yf, floatLosses, floatGradient, value.Options(wf));
        AssertRoundedOnce<T>(floatLosses, losses, $"{what} fused loss");
        AssertRoundedOnce<T>(floatGradient, gradient, $"{what} fused gradient");

        // The gradient of a reduction: the same scale (upstream over the same denominator) times each float gradient.
        var upstream = Stored.From<T>(n > 0 ? value.Value.Upstream[0] : 1.0);
        foreach (var (reduction, _, name) in Reductions.For(value, w is null ? [] : Stored.ToDouble<T>(w)))
        {
            SigmoidFocalLoss.Backward(x, y, upstream, gradient, value.Options(w, reduction));
            SigmoidFocalLoss.Backward(xf, yf, Stored.ToFloat(upstream), floatGradient, value.Options(wf, reduction));
            AssertRoundedOnce<T>(floatGradient, gradient, $"{what} gradient of {name}");
            SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options(w, reduction));
            SigmoidFocalLoss.ForwardBackward(xf, yf, floatGradient, value.Options(wf, reduction));
            AssertRoundedOnce<T>(floatGradient, gradient, $"{what} fused gradient of {name}");
        }
    }

    internal static void ReducedWithinHalfAnUlp<T>(WeightedCase value)
        where T : unmanaged
    {
        var (x, y, _, w) = Inputs<T>(value);
        var (xf, yf) = (Stored.ToFloat<T>(x), Stored.ToFloat<T>(y));
        var wf = w is null ? null : Stored.ToFloat<T>(w);
        var weights = w is null ? [] : Stored.ToDouble<T>(w);
        var n = value.Length;
        var what = typeof(T).Name;

        var referenceLosses = ReferenceSum.LossesOf<float>(xf, yf, value.Gamma, value.AlphaAt, weights);
        for (var i = 0; i < n; i++)
        {
            if (referenceLosses[i] > float.MaxValue * (1 + Tolerances.FloatRelative))
                referenceLosses[i] = double.PositiveInfinity;  // the float product w·loss overflows before the sum
        }

        var sum = ReferenceSum.Of(referenceLosses);
        var subnormal = ReferenceCheck.SubnormalAllowance<float>(xf, yf, value.Gamma, value.AlphaAt, weights);
        var gradient = new T[n];
        foreach (var (reduction, denominator, name) in Reductions.For(value, weights))
        {
            var actual = SigmoidFocalLoss.Forward(x, y, value.Options(w, reduction));
            Stored.AssertSame(actual, SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options(w, reduction)),
                $"{what} fused {name} vs Forward");
            var single = SigmoidFocalLoss.Forward(xf, yf, value.Options(wf, reduction));

            // The float call rounds the same double quotient to float: the two roundings of one number.
            AssertWithinHalfAnUlp(actual, single, 0.5 * Stored.SpacingToward(single, Stored.ToDouble(actual)),
                $"{what} {name} vs the float call's {single:R}");

            var relative = reduction.Kind == FocalReductionKind.WeightedMean
                ? Tolerances.WeightedMeanRelative<float>(n)
                : Tolerances.FloatSumRelative;
            var expected = sum / denominator;
            var absolute = (relative * Math.Abs(expected)) + (((n * Tolerances.AbsoluteFloor) + subnormal) / denominator);
            AssertWithinHalfAnUlp(actual, expected, double.IsFinite(absolute) ? absolute : 0, $"{what} {name} vs the reference {expected:R}");
        }
    }

    internal static void InPlaceEqualsOutOfPlace<T>(WeightedCase value)
        where T : unmanaged
    {
        var (x, y, u, w) = Inputs<T>(value);
        var n = value.Length;
        var what = typeof(T).Name;

        var losses = new T[n];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options(w));
        var buffer = (T[])x.Clone();
        SigmoidFocalLoss.Forward(buffer, y, buffer, value.Options(w));
        Stored.AssertSame<T>(losses, buffer, $"{what} Forward with losses over logits");

        var gradient = new T[n];
        SigmoidFocalLoss.Backward(x, y, u, gradient, value.Options(w));
        buffer = (T[])u.Clone();
        SigmoidFocalLoss.Backward(x, y, buffer, buffer, value.Options(w));
        Stored.AssertSame<T>(gradient, buffer, $"{what} Backward with gradient over upstream");

        var fusedGradient = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, fusedGradient, value.Options(w));
        var logitsThenLosses = (T[])x.Clone();
        var targetsThenGradient = (T[])y.Clone();
        SigmoidFocalLoss.ForwardBackward(logitsThenLosses, targetsThenGradient, logitsThenLosses, targetsThenGradient, value.Options(w));
        Stored.AssertSame<T>(losses, logitsThenLosses, $"{what} ForwardBackward with losses over logits");
        Stored.AssertSame<T>(fusedGradient, targetsThenGradient, $"{what} ForwardBackward with gradient over targets");

        var mean = SigmoidFocalLoss.ForwardBackward(x, y, fusedGradient, value.Options(w, FocalReduction.WeightedMean));
        buffer = (T[])x.Clone();
        var meanInPlace = SigmoidFocalLoss.ForwardBackward(buffer, y, buffer, value.Options(w, FocalReduction.WeightedMean));
        Stored.AssertSame(mean, meanInPlace, $"{what} ForwardBackward(weighted mean) in place: value");
        Stored.AssertSame<T>(fusedGradient, buffer, $"{what} ForwardBackward(weighted mean) in place: gradient");
    }

    /// <summary>Each element of <paramref name="actual"/> is the float result rounded once: <c>(Half)f</c> or <c>(BFloat16)f</c>.</summary>
    internal static void AssertRoundedOnce<T>(ReadOnlySpan<float> single, ReadOnlySpan<T> actual, string what)
        where T : unmanaged
        => Stored.AssertSame<T>(Stored.FromFloat<T>(single), actual, what);

    /// <summary>
    /// <paramref name="actual"/> is the rounding to <typeparamref name="T"/> of some number within <paramref name="slack"/> of
    /// <paramref name="expected"/>: within half its spacing there plus the slack, or ∞ where that number is beyond the
    /// largest value's rounding threshold.
    /// </summary>
    private static void AssertWithinHalfAnUlp<T>(T actual, double expected, double slack, string what)
        where T : unmanaged
    {
        var value = Stored.ToDouble(actual);
        if (double.IsNaN(expected) || double.IsNaN(value))
        {
            Assert.True(double.IsNaN(expected) && double.IsNaN(value), Invariant($"{what}: got {value:R}"));
            return;
        }

        var largest = Stored.MaxValue<T>();
        var threshold = largest + (0.5 * Stored.SpacingToward(Stored.From<T>(largest), 0));
        if (double.IsInfinity(value))
        {
            Assert.True(Math.Sign(value) == Math.Sign(expected) && Math.Abs(expected) + slack >= threshold,
                Invariant($"{what}: got {value:R}, below the overflow threshold {threshold:R}"));
            return;
        }

        Assert.True(Math.Abs(expected) - slack < threshold, Invariant($"{what}: got {value:R}, expected overflow to infinity"));
        var bound = (0.5 * Stored.SpacingToward(actual, expected)) + slack;
        Assert.True(Math.Abs(value - expected) <= bound,
            Invariant($"{what}: got {value:R}, error {Math.Abs(value - expected):R} > half an ulp plus slack {bound:R}"));
    }

    private static (T[] X, T[] Y, T[] U, T[]? W) Inputs<T>(WeightedCase value)
        where T : unmanaged
        => (Stored.From<T>(value.Value.Logits), Stored.From<T>(value.Value.Targets), Stored.From<T>(value.Value.Upstream),
            value.Weights is null ? null : Stored.From<T>(value.Weights));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
