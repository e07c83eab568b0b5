using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The focal family on the sigmoid form: Poly-1 (ε ≥ -1) and FLSD-53 (γ = 5 where p_t &lt; 0.2, else 3) agree with the
/// float64 reference within the per-element bound, relative to the size of the loss's and gradient's parts (Poly-1 with
/// ε &lt; 0 subtracts); every SIMD path and thread count gives the same bits; the reductions sum the same values; and
/// the rules name the option that breaks them.
/// </summary>
public sealed class SigmoidFocalFamilyTests
{
    private static readonly Arbitrary<double> PolyEpsilons = Arb.From(Gen.OneOf(
        Gen.Elements(-1.0, -0.25, 0.5, 1.0, 3.0), ScalarGenerators.Uniform(-1, 4)));

    private static readonly Arbitrary<double> SampleDependentEpsilons = Arb.From(Gen.Elements(0.0, 0.0, 1.0, -1.0));

    [Property(MaxTest = 80)]
    public Property Float_poly1_matches_the_reference()
        => Prop.ForAll(FocalCases.WithNaN, PolyEpsilons, (value, epsilon) => MatchesReference<float>(value, epsilon, sampleDependent: false));

    [Property(MaxTest = 80)]
    public Property Double_poly1_matches_the_reference()
        => Prop.ForAll(FocalCases.WithNaN, PolyEpsilons, (value, epsilon) => MatchesReference<double>(value, epsilon, sampleDependent: false));

    [Property(MaxTest = 80)]
    public Property Float_flsd53_matches_the_reference()
        => Prop.ForAll(FocalCases.WithNaN, SampleDependentEpsilons,
            (value, epsilon) => MatchesReference<float>(value, epsilon, sampleDependent: true));

    [Property(MaxTest = 80)]
    public Property Double_flsd53_matches_the_reference()
        => Prop.ForAll(FocalCases.WithNaN, SampleDependentEpsilons,
            (value, epsilon) => MatchesReference<double>(value, epsilon, sampleDependent: true));

    [Property(MaxTest = 40)]
    public Property Float_every_path_and_thread_count_gives_identical_bits()
        => Prop.ForAll(FocalCases.WithNaN, PolyEpsilons, Arb.From(Gen.Elements(false, true)), SamePerPath<float>);

    [Property(MaxTest = 40)]
    public Property Double_every_path_and_thread_count_gives_identical_bits()
        => Prop.ForAll(FocalCases.WithNaN, PolyEpsilons, Arb.From(Gen.Elements(false, true)), SamePerPath<double>);

    [Property(MaxTest = 30)]
    public Property Half_every_path_and_thread_count_gives_identical_bits()
        => Prop.ForAll(FocalCases.WithNaN, PolyEpsilons, Arb.From(Gen.Elements(false, true)), SamePerPath<Half>);

    /// <summary>The reference's Poly-1 gradient is the derivative of its loss, so the gradient checks above test a derivative.</summary>
    [Property(MaxTest = 60)]
    public Property Runtime_poly1_gradient_is_the_derivative_of_the_reference_loss()
        => Prop.ForAll(FocalCases.Moderate, PolyEpsilons, (value, epsilon) =>
        {
            var gradient = new double[value.Length];
            SigmoidFocalLoss.Backward(value.Logits, value.Targets, 1.0, gradient, Options<double>(value, epsilon, false, FocalReduction.Sum));
            for (var i = 0; i < value.Length; i++)
            {
                var (x, y) = (value.Logits[i], value.Targets[i]);
                double Loss(double at) => SigmoidFocalFamilyReference.Loss(at, y, value.Gamma, value.Alpha, epsilon).Value;
                double Central(double h) => (Loss(x + h) - Loss(x - h)) / (2 * h);
                var step = Tolerances.FiniteDifferenceStep;
                var difference = ((4 * Central(step / 2)) - Central(step)) / 3;
                var scale = SigmoidFocalFamilyReference.Gradient(x, y, value.Gamma, value.Alpha, epsilon).Size
                    + SigmoidFocalFamilyReference.Loss(x, y, value.Gamma, value.Alpha, epsilon).Size;
                var where = Invariant($"x = {x:R}, y = {y:R}, gamma = {value.Gamma:R}, epsilon = {epsilon:R}");
                Assert.True(Math.Abs(gradient[i] - difference) <= Tolerances.FiniteDifferenceRelative * scale,
                    Invariant($"gradient[{i}] = {gradient[i]:R}, finite difference {difference:R} ({where})"));
            }
        });

    [Property(MaxTest = 40)]
    public Property Float_reductions_sum_the_family_losses()
        => Prop.ForAll(FocalCases.Finite, PolyEpsilons, Arb.From(Gen.Elements(false, true)), ReducesLikeTheReference<float>);

    [Property(MaxTest = 40)]
    public Property Double_reductions_sum_the_family_losses()
        => Prop.ForAll(FocalCases.Finite, PolyEpsilons, Arb.From(Gen.Elements(false, true)), ReducesLikeTheReference<double>);

    /// <summary>ε = 0 is the focal loss itself, bit for bit (the kernels skip Poly-1's terms).</summary>
    [Property(MaxTest = 30)]
    public Property A_zero_poly_epsilon_is_the_focal_loss() => Prop.ForAll(FocalCases.WithNaN, value =>
    {
        var x = FocalCase.As<float>(value.Logits);
        var y = FocalCase.As<float>(value.Targets);
        var (plain, poly, plainGradient, polyGradient) = (new float[x.Length], new float[x.Length], new float[x.Length], new float[x.Length]);
        SigmoidFocalLoss.ForwardBackward<float>(x, y, plain, plainGradient, value.Options<float>());
        SigmoidFocalLoss.ForwardBackward<float>(x, y, poly, polyGradient, value.Options<float>() with { PolyEpsilon = 0 });
        Bits.AssertIdentical<float>(plain, poly, "loss");
        Bits.AssertIdentical<float>(plainGradient, polyGradient, "gradient");
    });

    [Fact]
    public void Flsd53_with_a_gamma_is_refused_naming_gamma()
    {
        var error = Assert.Throws<ArgumentException>(
            () => SigmoidFocalLoss.Forward<float>([1f], [1f], new float[1], new() { Gamma = 3, SampleDependentGamma = true }));
        Assert.Equal("gamma", error.ParamName);
        Assert.Contains("sampleDependentGamma", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_poly_epsilon_outside_its_range_is_refused_naming_it(double epsilon)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => SigmoidFocalLoss.Forward<double>([1.0], [1.0], new() { PolyEpsilon = epsilon, Reduction = FocalReduction.Sum }));
        Assert.Equal("polyEpsilon", error.ParamName);
        Assert.Contains(">= -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_smoothing_stays_a_softmax_option()
    {
        float[] losses = [7];
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => SigmoidFocalLoss.Forward<float>([1f], [1f], losses, new() { LabelSmoothing = 0.1 }));
        Assert.Equal("labelSmoothing", error.ParamName);
        Assert.Equal(7f, losses[0]);
    }

    private static FocalLossOptions<T> Options<T>(FocalCase value, double epsilon, bool sampleDependent, FocalReduction reduction = default)
        where T : unmanaged
    {
        var options = new FocalLossOptions<T>
        {
            Alpha = value.Alpha, Reduction = reduction, PolyEpsilon = epsilon, SampleDependentGamma = sampleDependent,
        };
        return sampleDependent ? options : options with { Gamma = value.Gamma };
    }

    private static void MatchesReference<T>(FocalCase value, double epsilon, bool sampleDependent)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var u = FocalCase.As<T>(value.Upstream);
        var n = x.Length;
        var (losses, gradient, fusedLosses, fusedGradient) = (new T[n], new T[n], new T[n], new T[n]);
        SigmoidFocalLoss.Forward(x, y, losses, Options<T>(value, epsilon, sampleDependent));
        SigmoidFocalLoss.Backward(x, y, u, gradient, Options<T>(value, epsilon, sampleDependent));
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, Options<T>(value, epsilon, sampleDependent));
        Bits.AssertIdentical<T>(losses, fusedLosses, "fused loss vs forward");

        var relative = Tolerances.Relative<T>();
        for (var i = 0; i < n; i++)
        {
            var (xi, yi) = (double.CreateTruncating(x[i]), double.CreateTruncating(y[i]));
            var upstream = double.CreateTruncating(u[i]);
            var where = Invariant($"[{i}] x = {xi:R}, y = {yi:R}, gamma = {value.Gamma:R}, alpha = {value.Alpha:R}, epsilon = {epsilon:R}");

            // FLSD-53's γ switches at q = 0.8; within rounding of it, either side's value is right.
            var gammas = sampleDependent ? SampleDependentGammas(xi, yi) : [value.Gamma];
            // Beyond |x| = 1e7 a float q^γ may be subnormal: the documented allowance of the focal loss applies.
            double Bound(double g) => Math.Max(relative, ReferenceCheck.SubnormalModulationAllowance<T>(xi, yi, g));
            Assert.True(gammas.Any(g => Near(losses[i], SigmoidFocalFamilyReference.Loss(xi, yi, g, value.Alpha, epsilon), 1, Bound(g))),
                $"loss{where}: got {losses[i]}, reference {SigmoidFocalFamilyReference.Loss(xi, yi, gammas[0], value.Alpha, epsilon).Value:R}");
            Assert.True(gammas.Any(g => Near(gradient[i], SigmoidFocalFamilyReference.Gradient(xi, yi, g, value.Alpha, epsilon), upstream, Bound(g))),
                $"gradient{where}: got {gradient[i]}, reference " +
                $"{upstream * SigmoidFocalFamilyReference.Gradient(xi, yi, gammas[0], value.Alpha, epsilon).Value:R}");
            Assert.True(gammas.Any(g => Near(fusedGradient[i], SigmoidFocalFamilyReference.Gradient(xi, yi, g, value.Alpha, epsilon), 1, Bound(g))),
                $"fused gradient{where}: got {fusedGradient[i]}");
        }
    }

    private static double[] SampleDependentGammas(double x, double y)
    {
        var q = SigmoidFocalFamilyReference.Complement(x, y);
        return Math.Abs(q - 0.8) <= 1e-6 ? [3, 5] : [q > 0.8 ? 5 : 3];
    }

    private static bool Near<T>(T actual, (double Value, double Size) reference, double factor, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var value = double.CreateTruncating(actual);
        var expected = factor * reference.Value;
        if (double.IsNaN(expected) || double.IsInfinity(expected))
            return expected.Equals(value);
        var largest = typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;
        if (Math.Abs(expected) > largest)
            return double.IsInfinity(value) && Math.Sign(value) == Math.Sign(expected);
        return Math.Abs(value - expected) <= (relative * Math.Abs(factor) * reference.Size) + Tolerances.AbsoluteFloor;
    }

    private static void SamePerPath<T>(FocalCase value, double epsilon, bool sampleDependent)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var settings = new RuntimeSettingsScope();
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        (T[] Losses, T[] Gradient, T Mean)? first = null;
        foreach (var threads in new[] { 1, 2 })
        {
            foreach (var path in RuntimeSettingsScope.AvailablePaths)
            {
                (FocalRuntime.ActivePath, FocalRuntime.MaxDegreeOfParallelism) = (path, threads);
                var (losses, gradient) = (new T[x.Length], new T[x.Length]);
                SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, Options<T>(value, epsilon, sampleDependent));
                var mean = SigmoidFocalLoss.ForwardBackward(x, y, gradient, Options<T>(value, epsilon, sampleDependent, FocalReduction.Mean));
                if (first is not { } expected)
                {
                    first = (losses, gradient, mean);
                    continue;
                }

                var what = Invariant($"{path}, {threads} threads");
                Bits.AssertIdentical<T>(expected.Losses, losses, what + " losses");
                Bits.AssertIdentical<T>(expected.Gradient, gradient, what + " gradient of the mean");
                Bits.AssertIdentical(expected.Mean, mean, what + " mean");
            }
        }
    }

    private static void ReducesLikeTheReference<T>(FocalCase value, double epsilon, bool sampleDependent)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var (sum, size) = (0.0, 0.0);
        for (var i = 0; i < x.Length; i++)
        {
            var (xi, yi) = (double.CreateTruncating(x[i]), double.CreateTruncating(y[i]));
            var gamma = SigmoidFocalFamilyReference.GammaOf(xi, yi, value.Gamma, sampleDependent);
            var loss = SigmoidFocalFamilyReference.Loss(xi, yi, gamma, value.Alpha, epsilon);
            sum += loss.Value;
            size += loss.Size;
        }

        var relative = Tolerances.SumRelative<T>(x.Length) + Tolerances.Relative<T>();
        var total = SigmoidFocalLoss.Forward(x, y, Options<T>(value, epsilon, sampleDependent, FocalReduction.Sum));
        var actual = double.CreateTruncating(total);
        var largest = typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;
        if (Math.Abs(sum) > largest * (1 - relative) && double.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(sum))
            return;  // a sum beyond the element type's range comes back as ∞
        Assert.True(Math.Abs(actual - sum) <= (relative * size) + Tolerances.AbsoluteFloor,
            Invariant($"sum {total} vs reference {sum:R} (size {size:R})"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
