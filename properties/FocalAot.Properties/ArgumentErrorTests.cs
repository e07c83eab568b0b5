using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Every argument rule: the exception type, the parameter it names, and a message that states the rule.</summary>
public sealed class ArgumentErrorTests
{
    private static readonly double[] X = [0.5, -1, 2, 0, 7];
    private static readonly double[] Y = [1, 0, 0.5, 1, 0];

    /// <summary>A call of one entry point with well-formed outputs, the given γ and α, and optionally weights and a class table.</summary>
    public delegate void EntryPoint(
        double[] logits, double[] targets, double gamma, double alpha, double[]? weights = null, double[]? classAlpha = null);

    /// <summary>
    /// All 24 entry points (six operations, four element types), by name. The reduced ones cover every reduction, and
    /// the weighted mean on 16-bit storage (its weight sum checks the weights before the kernel runs).
    /// </summary>
    public static IReadOnlyList<(string Name, Type ElementType, EntryPoint Call)> EntryPoints { get; } =
    [
        .. EntryPointsOf<float>("float", FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(2)),
        .. EntryPointsOf<double>("double", FocalReduction.Mean, FocalReduction.Sum, FocalReduction.Mean),
        .. EntryPointsOf<Half>("Half", FocalReduction.WeightedMean, FocalReduction.WeightedMean, FocalReduction.Sum),
        .. EntryPointsOf<BFloat16>("BFloat16", FocalReduction.Normalized(2), FocalReduction.Mean, FocalReduction.WeightedMean),
    ];

    public static TheoryData<double> InvalidGammas => [-1, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.000001e6, 1e39];

    public static TheoryData<double> InvalidAlphas => [1.0000001, 2, double.NaN, double.PositiveInfinity];

    /// <summary>
    /// Invalid targets; the first two round to valid ones in 16-bit storage, 1 ± 2^-7 stay invalid in every type, and the
    /// smallest negative float and double (subnormals) are invalid in the types that hold them.
    /// </summary>
    public static TheoryData<double> InvalidTargets =>
        [-1e-7, 1.0000001, 2, -0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.0078125, -0.0078125,
            -float.Epsilon, -double.Epsilon];

    public static TheoryData<double> InvalidNormalizers => [0, -0.0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Theory]
    [MemberData(nameof(InvalidGammas))]
    public void Gamma_must_be_finite_not_negative_and_at_most_1e6(double gamma)
    {
        foreach (var (name, _, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("gamma", "gamma", name, () => call(X, Y, gamma, 0.25));
    }

    [Theory]
    [MemberData(nameof(InvalidAlphas))]
    public void Alpha_must_not_exceed_one_or_be_NaN(double alpha)
    {
        foreach (var (name, _, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("alpha", "alpha", name, () => call(X, Y, 2, alpha));
    }

    [Fact]
    public void The_edges_of_gamma_and_alpha_are_accepted()
    {
        foreach (var (_, _, call) in EntryPoints)
        {
            foreach (var (gamma, alpha) in new[] { (0.0, 0.0), (0.0, 1.0), (1e6, 0.25), (2.0, -1.0), (2.0, double.NegativeInfinity), (2.0, -0.0) })
                call(X, Y, gamma, alpha);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void A_target_outside_zero_to_one_is_rejected_by_index(double target)
    {
        var y = (double[])Y.Clone();
        y[3] = target;
        foreach (var (name, type, call) in EntryPoints)
        {
            if (IsValidTarget(type, target))
                continue;  // rounds into [0, 1] in this element type (a 16-bit type's 1.0000001 is 1)
            AssertRejected<ArgumentOutOfRangeException>("targets", "targets[3]", name, () => call(X, y, 2, 0.25), exactType: true);
        }
    }

    /// <summary>An invalid target anywhere (full blocks, tails, any length) is found and named by its index.</summary>
    [Property(MaxTest = 60)]
    public Property An_invalid_target_anywhere_is_named_by_its_index() => Prop.ForAll(
        Arb.From(from value in FocalCases.Generate(ScalarGenerators.FiniteLogit, length: Gen.Choose(1, 600))
                 from index in Gen.Choose(0, value.Length - 1)
                 from bad in Gen.Elements(-1e-6, 1.001, 3.0, -0.25, double.NaN, double.NegativeInfinity)
                 from entry in Gen.Choose(0, EntryPoints.Count - 1)
                 select (value, index, bad, entry)),
        sample =>
        {
            var (value, index, bad, entry) = sample;
            var (name, type, call) = EntryPoints[entry];
            var y = (double[])value.Targets.Clone();
            y[index] = IsValidTarget(type, bad) ? 3.0 : bad;
            AssertRejected<ArgumentOutOfRangeException>("targets", $"targets[{index}]", name,
                () => call(value.Logits, y, value.Gamma, value.Alpha), exactType: true);
        });

    [Fact]
    public void An_invalid_target_is_found_when_the_call_runs_on_several_threads()
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 2;
        var value = BulkInputs.Create(seed: 7, 200_003, BulkInputs.Labels.Mixed, 2, 0.25);
        var y = (double[])value.Targets.Clone();
        y[200_000] = 1.5;
        foreach (var (name, _, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("targets", "targets[200000]", name, () => call(value.Logits, y, 2, 0.25), exactType: true);
    }

    [Fact]
    public void Minus_zero_is_a_valid_target()
    {
        var y = (double[])Y.Clone();
        y[1] = -0.0;
        foreach (var (_, _, call) in EntryPoints)
            call(X, y, 2, 0.25);
    }

    [Fact]
    public void Every_span_must_have_as_many_elements_as_the_logits()
    {
        var x = F(X);
        var y = F(Y);
        var n = X.Length;
        var shortY = y[..(n - 1)];
        AssertLength("targets", () => SigmoidFocalLoss.Forward(x, shortY, new float[n]));
        AssertLength("losses", () => SigmoidFocalLoss.Forward(x, y, new float[n + 1]));
        AssertLength("targets", () => SigmoidFocalLoss.Forward(X, Y.AsSpan(1), Reduced<double>(FocalReduction.Sum)));
        AssertLength("targets", () => SigmoidFocalLoss.Backward(x, shortY, Ones<float>(n), new float[n]));
        AssertLength("upstream", () => SigmoidFocalLoss.Backward(x, y, Ones<float>(n - 1), new float[n]));
        AssertLength("gradient", () => SigmoidFocalLoss.Backward(X, Y, Ones<double>(n), new double[n - 1]));
        AssertLength("gradient", () => SigmoidFocalLoss.Backward(x, y, 1f, new float[n - 1], Reduced<float>(FocalReduction.Mean)));
        AssertLength("targets", () => SigmoidFocalLoss.Backward(X, Y.AsSpan(1), 1.0, new double[n], Reduced<double>(FocalReduction.Mean)));
        AssertLength("losses", () => SigmoidFocalLoss.ForwardBackward(x, y, new float[n - 1], new float[n]));
        AssertLength("gradient", () => SigmoidFocalLoss.ForwardBackward(X, Y, new double[n], new double[n + 2]));
        AssertLength("targets", () => SigmoidFocalLoss.ForwardBackward(X, Y.AsSpan(1), new double[n], new double[n]));
        AssertLength("gradient", () => SigmoidFocalLoss.ForwardBackward(x, y, new float[n + 1], Reduced<float>(FocalReduction.Sum)));
        AssertLength("targets", () => SigmoidFocalLoss.ForwardBackward(X, Y.AsSpan(1), new double[n], Reduced<double>(FocalReduction.Sum)));
    }

    [Fact]
    public void An_output_may_not_partially_overlap_an_input()
    {
        var n = X.Length;
        var buffer = new float[n + 1];
        var targets = F(Y);
        var upstream = Ones<float>(n + 1);
        AssertOverlap(["losses"], () => SigmoidFocalLoss.Forward(buffer.AsSpan(0, n), targets, buffer.AsSpan(1, n)));
        AssertOverlap(["losses"], () => SigmoidFocalLoss.Forward(buffer.AsSpan(1, n), targets, buffer.AsSpan(0, n)));
        AssertOverlap(["losses"], () => SigmoidFocalLoss.Forward(F(X), buffer.AsSpan(0, n), buffer.AsSpan(1, n)));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.Backward(buffer.AsSpan(0, n), targets, upstream.AsSpan(0, n), buffer.AsSpan(1, n)));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.Backward(F(X), targets, upstream.AsSpan(1, n), upstream.AsSpan(0, n)));
        AssertOverlap(["gradient"],
            () => SigmoidFocalLoss.Backward(buffer.AsSpan(1, n), targets, 1f, buffer.AsSpan(0, n), Reduced<float>(FocalReduction.Sum)));
        AssertOverlap(["losses"], () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, buffer.AsSpan(1, n), new float[n]));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, new float[n], buffer.AsSpan(1, n)));
        AssertOverlap(["gradient"],
            () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, buffer.AsSpan(1, n), Reduced<float>(FocalReduction.Mean)));

        var doubles = new double[n + 1];
        AssertOverlap(["losses"], () => SigmoidFocalLoss.Forward(doubles.AsSpan(1, n), Y, doubles.AsSpan(0, n)));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.Backward(X, doubles.AsSpan(0, n), Ones<double>(n), doubles.AsSpan(1, n)));
    }

    [Fact]
    public void Fused_losses_and_gradient_may_not_overlap_at_all()
    {
        var n = X.Length;
        var buffer = new float[n + 1];
        AssertOverlap(["losses", "gradient"], () => SigmoidFocalLoss.ForwardBackward(F(X), F(Y), buffer.AsSpan(0, n), buffer.AsSpan(1, n)));
        AssertOverlap(["losses", "gradient"], () => SigmoidFocalLoss.ForwardBackward(F(X), F(Y), buffer.AsSpan(0, n), buffer.AsSpan(0, n)));
        var doubles = new double[n];
        AssertOverlap(["losses", "gradient"], () => SigmoidFocalLoss.ForwardBackward(X, Y, doubles, doubles));
    }

    /// <summary>The overloads that return a reduced value need a reduction; None (the default) is an error.</summary>
    [Fact]
    public void The_reduced_overloads_reject_reduction_none()
    {
        var n = X.Length;
        foreach (var none in new[] { default, FocalReduction.None })
        {
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward float",
                () => SigmoidFocalLoss.Forward(F(X), F(Y), Reduced<float>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward double",
                () => SigmoidFocalLoss.Forward(X, Y, Reduced<double>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward with default options",
                () => SigmoidFocalLoss.Forward(X, Y, default(FocalLossOptions<double>)));
            AssertRejected<ArgumentException>("reduction", "reduction", "Backward",
                () => SigmoidFocalLoss.Backward(X, Y, 1.0, new double[n], Reduced<double>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "Backward float",
                () => SigmoidFocalLoss.Backward(F(X), F(Y), 1f, new float[n], Reduced<float>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "ForwardBackward",
                () => SigmoidFocalLoss.ForwardBackward(F(X), F(Y), new float[n], Reduced<float>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "ForwardBackward double",
                () => SigmoidFocalLoss.ForwardBackward(X, Y, new double[n], new FocalLossOptions<double>()));
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward on no elements",
                () => SigmoidFocalLoss.Forward(Array.Empty<double>(), [], Reduced<double>(none)));
        }
    }

    /// <summary>The overloads that write per-element results reject a reduction (which would be silently ignored).</summary>
    [Fact]
    public void The_per_element_overloads_reject_a_reduction()
    {
        var n = X.Length;
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(2), FocalReduction.WeightedMean })
        {
            AssertRejected<ArgumentException>("reduction", "reduction", $"Forward float {reduction}",
                () => SigmoidFocalLoss.Forward(F(X), F(Y), new float[n], Reduced<float>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"Forward double {reduction}",
                () => SigmoidFocalLoss.Forward(X, Y, new double[n], Reduced<double>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"Backward float {reduction}",
                () => SigmoidFocalLoss.Backward(F(X), F(Y), Ones<float>(n), new float[n], Reduced<float>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"Backward double {reduction}",
                () => SigmoidFocalLoss.Backward(X, Y, Ones<double>(n), new double[n], Reduced<double>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"ForwardBackward float {reduction}",
                () => SigmoidFocalLoss.ForwardBackward(F(X), F(Y), new float[n], new float[n], Reduced<float>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"ForwardBackward double {reduction}",
                () => SigmoidFocalLoss.ForwardBackward(X, Y, new double[n], new double[n], Reduced<double>(reduction)));
            AssertRejected<ArgumentException>("reduction", "reduction", $"Forward on no elements {reduction}",
                () => SigmoidFocalLoss.Forward(Array.Empty<double>(), [], [], Reduced<double>(reduction)));
        }
    }

    public static TheoryData<double> InvalidWeights => [-1, -0.5, -4096, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<double> InvalidClassAlphas => [1.5, 1.0000001, -0.1, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Theory]
    [MemberData(nameof(InvalidWeights))]
    public void A_negative_or_non_finite_weight_is_rejected_by_index(double weight)
    {
        double[] weights = [1, 0.5, 0, weight, 2];
        var text = weight.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, _, call) in EntryPoints)
        {
            AssertRejected<ArgumentOutOfRangeException>("weights", $"weights[3] = {text} is invalid", name,
                () => call(X, Y, 2, 0.25, weights), exactType: true);
            AssertRejected<ArgumentOutOfRangeException>("weights", $"weights[3] = {text} is invalid", $"{name} with class alpha",
                () => call(X, Y, 2, 0.25, weights, [0.5, 0.25]), exactType: true);
        }
    }

    /// <summary>The smallest negative weight of float and double (a subnormal) is as invalid as any other.</summary>
    [Fact]
    public void A_subnormal_negative_weight_is_rejected()
    {
        float[] x = [0.5f, -1, 2];
        float[] y = [1, 0, 0];
        AssertRejected<ArgumentOutOfRangeException>("weights", "weights[1]", "float",
            () => SigmoidFocalLoss.Forward(x, y, new float[3], new() { Weights = [0, -float.Epsilon, 1] }), exactType: true);
        AssertRejected<ArgumentOutOfRangeException>("weights", "weights[1]", "double weighted mean",
            () => SigmoidFocalLoss.Forward([0.5, -1, 2], [1.0, 0, 0],
                new FocalLossOptions<double> { Weights = [0, -double.Epsilon, 1], Reduction = FocalReduction.WeightedMean }),
            exactType: true);
    }

    /// <summary>The first invalid weight is named, wherever it is, whichever entry point runs (sum, kernel or rescan).</summary>
    [Property(MaxTest = 60)]
    public Property The_first_invalid_weight_is_named_by_its_index() => Prop.ForAll(
        Arb.From(from value in FocalCases.Generate(ScalarGenerators.FiniteLogit, length: Gen.Choose(1, 600))
                 from first in Gen.Choose(0, value.Length - 1)
                 from second in Gen.Choose(first, value.Length - 1)
                 from bad in Gen.Elements(-1.0, -0.25, -3.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity)
                 from entry in Gen.Choose(0, EntryPoints.Count - 1)
                 select (value, first, second, bad, entry)),
        sample =>
        {
            var (value, first, second, bad, entry) = sample;
            var weights = Enumerable.Range(0, value.Length).Select(i => (i % 4) * 0.5).ToArray();
            (weights[second], weights[first]) = (-2, bad);
            var (name, _, call) = EntryPoints[entry];
            AssertRejected<ArgumentOutOfRangeException>("weights", $"weights[{first}] = ", name,
                () => call(value.Logits, value.Targets, value.Gamma, value.Alpha, weights), exactType: true);
        });

    [Fact]
    public void An_invalid_weight_is_found_when_the_call_runs_on_several_threads()
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 2;
        var value = BulkInputs.Create(seed: 9, 200_003, BulkInputs.Labels.Mixed, 2, 0.25);
        var weights = Enumerable.Repeat(1.0, value.Length).ToArray();
        (weights[200_000], weights[200_001]) = (-1, double.NaN);
        foreach (var (name, _, call) in EntryPoints)
        {
            AssertRejected<ArgumentOutOfRangeException>("weights", "weights[200000] = -1 is invalid", name,
                () => call(value.Logits, value.Targets, 2, 0.25, weights), exactType: true);
        }
    }

    [Fact]
    public void Weights_must_have_as_many_elements_as_the_logits()
    {
        foreach (var (name, _, call) in EntryPoints)
        {
            AssertLength("weights", () => call(X, Y, 2, 0.25, [1, 1, 1, 1]));
            AssertLength("weights", () => call(X, Y, 2, 0.25, [1, 1, 1, 1, 1, 1], [0.5]));
            AssertRejected<ArgumentException>("weights", "length", $"{name} on no elements", () => call([], [], 2, 0.25, [1]));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidClassAlphas))]
    public void A_class_alpha_outside_zero_to_one_is_rejected_by_index(double alpha)
    {
        var text = alpha.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, _, call) in EntryPoints)
        {
            AssertRejected<ArgumentOutOfRangeException>("classAlpha", $"classAlpha[2] = {text} is invalid", name,
                () => call(X, Y, 2, 0.25, null, [0.25, 0.5, alpha]), exactType: true);
            AssertRejected<ArgumentOutOfRangeException>("classAlpha", $"classAlpha[1] = {text} is invalid", $"{name} (first of two)",
                () => call(X, Y, 2, -1, [1, 1, 0, 1, 1], [1, alpha, 2, 0]), exactType: true);
            AssertRejected<ArgumentOutOfRangeException>("classAlpha", $"classAlpha[2] = {text} is invalid", $"{name} on no elements",
                () => call([], [], 2, 0.25, null, [0.25, 0.5, alpha]), exactType: true);
        }
    }

    /// <summary>Weights may be 0, -0, subnormal or large; class α may be 0, 1 or -0; more classes than elements is fine;
    /// weights that sum to 0 give a NaN weighted mean, not an error.</summary>
    [Fact]
    public void The_edges_of_weights_and_class_alpha_are_accepted()
    {
        foreach (var (_, _, call) in EntryPoints)
        {
            call(X, Y, 2, 0.25, [0, -0.0, 1e-7, 65504, 1]);
            call(X, Y, 2, 0.25, [0, 0, 0, -0.0, 0]);
            call(X, Y, 0, -1, null, [0, 1, -0.0]);
            call(X, Y, 2, 0.25, [1, 2, 3, 4, 5], Enumerable.Range(0, 13).Select(c => c / 12.0).ToArray());
            call([], [], 2, 0.25, [], []);
        }
    }

    /// <summary>An output may not overlap the weights at all, not even exactly (the kernel reads a weight after writing).</summary>
    [Fact]
    public void An_output_may_not_overlap_the_weights()
    {
        AssertOverlapsWeights<float>();
        AssertOverlapsWeights<double>();
        AssertOverlapsWeights<Half>();
        AssertOverlapsWeights<BFloat16>();
    }

    /// <summary>Only float, double, Half and BFloat16 are element types; any other unmanaged type is not supported.</summary>
    [Fact]
    public void Other_element_types_are_not_supported()
    {
        AssertNotSupported<int>();
        AssertNotSupported<long>();
        AssertNotSupported<ushort>();
        AssertNotSupported<short>();
        AssertNotSupported<byte>();
        AssertNotSupported<decimal>();
        AssertNotSupported<Complex32>();
    }

    [Theory]
    [MemberData(nameof(InvalidNormalizers))]
    public void A_normalizer_must_be_finite_and_positive(double normalizer)
        => AssertRejected<ArgumentOutOfRangeException>("normalizer", "normalizer", "Normalized", () => FocalReduction.Normalized(normalizer));

    [Fact]
    public void Max_degree_of_parallelism_must_be_at_least_one()
    {
        using var settings = new RuntimeSettingsScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => FocalRuntime.MaxDegreeOfParallelism = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => FocalRuntime.MaxDegreeOfParallelism = -3);
        FocalRuntime.MaxDegreeOfParallelism = 1;
        Assert.Equal(1, FocalRuntime.MaxDegreeOfParallelism);
    }

    private static void AssertOverlapsWeights<T>()
        where T : unmanaged
    {
        var n = X.Length;
        var x = Stored.From<T>(X);
        var y = Stored.From<T>(Y);
        var ones = Stored.From<T>(Enumerable.Repeat(1.0, n).ToArray());
        var buffer = Stored.From<T>(Enumerable.Repeat(1.0, n + 1).ToArray());
        FocalLossOptions<T> Options(FocalReduction reduction = default) => new() { Weights = buffer.AsSpan(0, n), Reduction = reduction };
        var type = typeof(T).Name;

        AssertOverlapWithWeights($"{type} Forward", ["losses"], () => SigmoidFocalLoss.Forward(x, y, buffer.AsSpan(0, n), Options()));
        AssertOverlapWithWeights($"{type} Forward, shifted", ["losses"], () => SigmoidFocalLoss.Forward(x, y, buffer.AsSpan(1, n), Options()));
        AssertOverlapWithWeights($"{type} Backward", ["gradient"], () => SigmoidFocalLoss.Backward(x, y, ones, buffer.AsSpan(0, n), Options()));
        AssertOverlapWithWeights($"{type} Backward(sum)", ["gradient"],
            () => SigmoidFocalLoss.Backward(x, y, ones[0], buffer.AsSpan(1, n), Options(FocalReduction.Sum)));
        AssertOverlapWithWeights($"{type} Backward(weighted mean)", ["gradient"],
            () => SigmoidFocalLoss.Backward(x, y, ones[0], buffer.AsSpan(0, n), Options(FocalReduction.WeightedMean)));
        AssertOverlapWithWeights($"{type} ForwardBackward losses", ["losses"],
            () => SigmoidFocalLoss.ForwardBackward(x, y, buffer.AsSpan(0, n), new T[n], Options()));
        AssertOverlapWithWeights($"{type} ForwardBackward gradient", ["gradient"],
            () => SigmoidFocalLoss.ForwardBackward(x, y, new T[n], buffer.AsSpan(1, n), Options()));
        AssertOverlapWithWeights($"{type} ForwardBackward(mean)", ["gradient"],
            () => SigmoidFocalLoss.ForwardBackward(x, y, buffer.AsSpan(0, n), Options(FocalReduction.Mean)));
        Assert.All(buffer, w => Assert.Equal(1.0, Stored.ToDouble(w)));  // nothing was written
    }

    private static void AssertOverlapWithWeights(string call, string[] parameters, Action action)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(action);
        Assert.True(exception.GetType() == typeof(ArgumentException), $"{call}: {exception.GetType().Name}");
        Assert.Contains(exception.ParamName, parameters);
        Assert.Contains("overlap weights", exception.Message, StringComparison.Ordinal);
    }

    private static void AssertNotSupported<T>()
        where T : unmanaged
    {
        var n = 3;
        FocalLossOptions<T> Sum() => new() { Reduction = FocalReduction.Sum };
        Action[] calls =
        [
            () => SigmoidFocalLoss.Forward<T>(new T[n], new T[n], new T[n]),
            () => SigmoidFocalLoss.Forward<T>(new T[n], new T[n], Sum()),
            () => SigmoidFocalLoss.Backward<T>(new T[n], new T[n], new T[n], new T[n]),
            () => SigmoidFocalLoss.Backward<T>(new T[n], new T[n], default(T), new T[n], Sum()),
            () => SigmoidFocalLoss.ForwardBackward<T>(new T[n], new T[n], new T[n], new T[n]),
            () => SigmoidFocalLoss.ForwardBackward<T>(new T[n], new T[n], new T[n], Sum()),
            () => SigmoidFocalLoss.Forward<T>([], [], []),
        ];
        foreach (var call in calls)
        {
            var exception = Assert.Throws<NotSupportedException>(call);
            Assert.Contains(typeof(T).Name, exception.Message, StringComparison.Ordinal);
            Assert.Contains("not supported", exception.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>An unmanaged type of 8 bytes that is no number at all.</summary>
    private readonly struct Complex32(float real, float imaginary)
    {
        public float Real { get; } = real;

        public float Imaginary { get; } = imaginary;
    }

    private static void AssertLength(string parameter, Action action)
        => AssertRejected<ArgumentException>(parameter, "length", parameter, action);

    private static void AssertOverlap(string[] parameters, Action action)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Contains(exception.ParamName, parameters);
        Assert.Contains("overlap", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertRejected<TException>(string parameter, string mention, string call, Action action, bool exactType = false)
        where TException : ArgumentException
    {
        Exception? thrown = null;
        try
        {
            action();
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        Assert.True(thrown is not null, $"{call}: no exception, expected one naming {parameter}");
        Assert.True(exactType ? thrown.GetType() == typeof(TException) : thrown is TException,
            $"{call}: {thrown.GetType().Name} ({thrown.Message}), expected {typeof(TException).Name}");
        Assert.Equal(parameter, ((ArgumentException)thrown).ParamName);
        Assert.Contains(mention, thrown.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The six operations stored in <typeparamref name="T"/>, the reduced ones with the given reductions.</summary>
    private static IEnumerable<(string Name, Type ElementType, EntryPoint Call)> EntryPointsOf<T>(
        string type, FocalReduction forward, FocalReduction backward, FocalReduction fused)
        where T : unmanaged
    {
        static T[] S(double[] values) => Stored.From<T>(values);
        static FocalLossOptions<T> O(double gamma, double alpha, double[]? weights, double[]? classAlpha, FocalReduction reduction = default)
            => new() { Gamma = gamma, Alpha = alpha, Weights = weights is null ? null : S(weights), ClassAlpha = classAlpha, Reduction = reduction };

        var one = Stored.From<T>(1.0);
        return
        [
            ($"Forward {type}", typeof(T), (x, y, g, a, w, c) => SigmoidFocalLoss.Forward(S(x), S(y), new T[x.Length], O(g, a, w, c))),
            ($"Forward({forward}) {type}", typeof(T), (x, y, g, a, w, c) => SigmoidFocalLoss.Forward(S(x), S(y), O(g, a, w, c, forward))),
            ($"Backward {type}", typeof(T),
                (x, y, g, a, w, c) => SigmoidFocalLoss.Backward(S(x), S(y), Enumerable.Repeat(one, x.Length).ToArray(), new T[x.Length],
                    O(g, a, w, c))),
            ($"Backward({backward}) {type}", typeof(T),
                (x, y, g, a, w, c) => SigmoidFocalLoss.Backward(S(x), S(y), one, new T[x.Length], O(g, a, w, c, backward))),
            ($"ForwardBackward {type}", typeof(T),
                (x, y, g, a, w, c) => SigmoidFocalLoss.ForwardBackward(S(x), S(y), new T[x.Length], new T[x.Length], O(g, a, w, c))),
            ($"ForwardBackward({fused}) {type}", typeof(T),
                (x, y, g, a, w, c) => SigmoidFocalLoss.ForwardBackward(S(x), S(y), new T[x.Length], O(g, a, w, c, fused))),
        ];
    }

    /// <summary>Whether <paramref name="target"/>, stored in <paramref name="type"/>, is a valid target (in [0, 1]).</summary>
    private static bool IsValidTarget(Type type, double target)
    {
        var stored = type == typeof(Half) ? Stored.ToDouble(Stored.From<Half>(target))
            : type == typeof(BFloat16) ? Stored.ToDouble(Stored.From<BFloat16>(target))
            : type == typeof(float) ? (float)target
            : target;
        return stored is >= 0 and <= 1;
    }

    private static FocalLossOptions<T> Options<T>(double gamma, double alpha, FocalReduction reduction = default)
        where T : unmanaged
        => new() { Gamma = gamma, Alpha = alpha, Reduction = reduction };

    private static FocalLossOptions<T> Reduced<T>(FocalReduction reduction)
        where T : unmanaged
        => new() { Reduction = reduction };

    private static float[] F(double[] values) => FocalCase.As<float>(values);

    private static T[] Ones<T>(int n)
        where T : System.Numerics.INumberBase<T>
        => Enumerable.Repeat(T.One, n).ToArray();
}
