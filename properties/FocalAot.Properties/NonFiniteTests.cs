using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>NaN logits propagate to exactly their own loss and gradient (and to sums); ±∞ logits give the limits.</summary>
public sealed class NonFiniteTests
{
    [Property(MaxTest = 100)]
    public Property Float_NaN_logits_give_NaN_exactly_where_they_are() => Prop.ForAll(FocalCases.WithNaN, NaNPropagates<float>);

    [Property(MaxTest = 100)]
    public Property Double_NaN_logits_give_NaN_exactly_where_they_are() => Prop.ForAll(FocalCases.WithNaN, NaNPropagates<double>);

    /// <summary>
    /// Limits worked by hand. x → +∞: σ(x) → 1, BCE ~ (1 - y) x, 1 - p_t → 1 - y, so loss → ∞ unless (1 - y) α_t = 0, and
    /// the gradient → α_t (1 - y)^γ (1 - y). x → -∞ mirrors it with y: loss → ∞ unless y α_t = 0, gradient → -α_t y^γ y.
    /// </summary>
    [Theory]
    [InlineData(double.PositiveInfinity, 0.0, 2.0, 0.25, true, 0.75)]      // α_t = 0.75, (1-y)^3 = 1
    [InlineData(double.PositiveInfinity, 1.0, 2.0, 0.25, false, 0.0)]      // right side: nothing to learn
    [InlineData(double.NegativeInfinity, 1.0, 2.0, 0.25, true, -0.25)]
    [InlineData(double.NegativeInfinity, 0.0, 2.0, 0.25, false, 0.0)]
    [InlineData(double.PositiveInfinity, 0.0, 2.0, 1.0, false, 0.0)]       // α = 1 gives negatives no weight
    [InlineData(double.NegativeInfinity, 1.0, 0.0, 0.0, false, 0.0)]       // α = 0 gives positives no weight
    [InlineData(double.PositiveInfinity, 0.5, 2.0, -1.0, true, 0.125)]     // 0.5^3
    [InlineData(double.NegativeInfinity, 0.5, 0.0, -1.0, true, -0.5)]      // γ = 0: -y
    [InlineData(double.PositiveInfinity, 0.75, 0.5, -1.0, true, 0.125)]    // 0.25^1.5
    [InlineData(double.NegativeInfinity, 0.25, 1.0, 0.5, true, -0.03125)]  // α_t = 0.5, -0.5 · 0.25^2
    [InlineData(double.PositiveInfinity, 0.0, 0.0, -1.0, true, 1.0)]       // plain BCE: σ(x) - y → 1
    public void Infinite_logits_give_the_limits(double x, double y, double gamma, double alpha, bool infiniteLoss, double gradient)
    {
        Limits<float>(x, y, gamma, alpha, infiniteLoss, gradient);
        Limits<double>(x, y, gamma, alpha, infiniteLoss, gradient);
    }

    private static void Limits<T>(double x, double y, double gamma, double alpha, bool infiniteLoss, double expectedGradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The infinite logit sits among finite ones, at a position that is not the first lane.
        var logits = new T[37];
        var targets = new T[37];
        logits[20] = T.CreateTruncating(x);
        targets[20] = T.CreateTruncating(y);
        var losses = new T[37];
        var gradient = new T[37];
        SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, new() { Gamma = gamma, Alpha = alpha });
        var loss = double.CreateTruncating(losses[20]);
        var slope = double.CreateTruncating(gradient[20]);
        if (infiniteLoss)
            Assert.True(double.IsPositiveInfinity(loss), $"{typeof(T).Name} loss = {loss:R}, expected +inf");
        else
            Assert.True(loss == 0, $"{typeof(T).Name} loss = {loss:R}, expected 0");
        Assert.True(double.IsFinite(slope), $"{typeof(T).Name} gradient = {slope:R}, expected finite");
        Assert.True(Math.Abs(slope - expectedGradient) <= Tolerances.Relative<T>() * Math.Abs(expectedGradient),
            $"{typeof(T).Name} gradient = {slope:R}, expected {expectedGradient:R}");
        Assert.Equal(infiniteLoss, T.IsPositiveInfinity(SigmoidFocalLoss.Forward(logits, targets,
            new FocalLossOptions<T> { Gamma = gamma, Alpha = alpha, Reduction = FocalReduction.Sum })));
    }

    /// <summary>
    /// A NaN logit's loss and gradient are that NaN, sign and payload kept, in every storage type (16-bit storage makes it
    /// quiet, as widening to float does): signalling and quiet patterns of both signs among finite logits in one register,
    /// in a full block (whose 16-bit logits are widened as the exp pass reads them), and in the vector part and the
    /// remainder of the last block. The finite elements beside them are the results without the NaNs.
    /// </summary>
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(0.3, 2.0)]
    [InlineData(1.0, 2.2)]
    public void A_NaN_logit_gives_its_own_NaN_in_every_storage_type(double target, double gamma)
    {
        OwnNaN<float>([0x7F80_0001, 0xFF81_2345, 0x7FC5_4321, 0xFFFF_FFFF], 0, target, gamma);
        OwnNaN<double>([0x7FF0_0000_0000_0001, 0xFFF0_1234_5678_9ABC, 0x7FF8_0000_0000_0005, 0xFFFF_FFFF_FFFF_FFFF], 0, target, gamma);
        OwnNaN<Half>([0x7C01, 0xFD55, 0x7E01, 0xFFFF], 1UL << 9, target, gamma);
        OwnNaN<BFloat16>([0x7F81, 0xFFA5, 0x7FC1, 0xFFFF], 1UL << 6, target, gamma);
    }

    private static void OwnNaN<T>(ulong[] patterns, ulong widenedQuietBit, double target, double gamma)
        where T : unmanaged
    {
        const int n = 256 + 53;  // one full block of the kernel (256 elements) and a partial one
        var finite = Stored.From<T>(Enumerable.Range(0, n).Select(i => (i % 7) - 3.25).ToArray());
        var logits = (T[])finite.Clone();
        for (var i = 0; i < n; i += 3)
            logits[i] = Stored.FromBits<T>(patterns[i / 3 % patterns.Length]);
        var targets = Stored.From<T>(Enumerable.Repeat(target, n).ToArray());
        var upstream = Stored.From<T>(Enumerable.Range(0, n).Select(i => 0.5 + (i % 4)).ToArray());
        var options = new FocalLossOptions<T> { Gamma = gamma };

        var (losses, gradient, scaled) = (new T[n], new T[n], new T[n]);
        var (finiteLosses, finiteGradient, finiteScaled) = (new T[n], new T[n], new T[n]);
        SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, options);
        SigmoidFocalLoss.Backward(logits, targets, upstream, scaled, options);
        SigmoidFocalLoss.ForwardBackward(finite, targets, finiteLosses, finiteGradient, options);
        SigmoidFocalLoss.Backward(finite, targets, upstream, finiteScaled, options);
        for (var i = 0; i < n; i++)
        {
            var expected = Stored.IsNaN(logits[i]) ? Stored.FromBits<T>(Stored.BitsOf(logits[i]) | widenedQuietBit) : default;
            foreach (var (actual, withoutNaN, what) in (ReadOnlySpan<(T, T, string)>)[
                (losses[i], finiteLosses[i], "loss"), (gradient[i], finiteGradient[i], "gradient"), (scaled[i], finiteScaled[i], "scaled gradient")])
            {
                var want = Stored.IsNaN(logits[i]) ? expected : withoutNaN;
                Assert.True(Stored.BitsOf(actual) == Stored.BitsOf(want), string.Create(CultureInfo.InvariantCulture,
                    $"{typeof(T).Name} {what}[{i}]: bits {Stored.BitsOf(actual):X}, expected {Stored.BitsOf(want):X} (γ = {gamma}, y = {target})"));
            }
        }
    }

    internal static void NaNPropagates<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var n = value.Length;
        var losses = new T[n];
        var gradient = new T[n];
        var scaled = new T[n];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options<T>());
        SigmoidFocalLoss.Backward(x, y, upstream, scaled, value.Options<T>());
        var anyNaN = false;
        for (var i = 0; i < n; i++)
        {
            var nan = T.IsNaN(x[i]);
            anyNaN |= nan;
            Assert.True(nan == T.IsNaN(losses[i]), $"loss[{i}] = {losses[i]} for x = {x[i]}");
            Assert.True(nan == T.IsNaN(gradient[i]), $"gradient[{i}] = {gradient[i]} for x = {x[i]}");
            Assert.True(nan == T.IsNaN(scaled[i]), $"upstream-scaled gradient[{i}] = {scaled[i]} for x = {x[i]}, upstream = {upstream[i]}");
        }

        Assert.Equal(anyNaN, T.IsNaN(SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Sum))));
        Assert.Equal(anyNaN, T.IsNaN(SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options<T>(FocalReduction.Normalized(2)))));
        if (n > 0)
            Assert.Equal(anyNaN, T.IsNaN(SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Mean))));
    }
}
