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

    /// <summary>A call of one of the twelve entry points with well-formed outputs.</summary>
    public delegate void EntryPoint(double[] logits, double[] targets, double gamma, double alpha);

    /// <summary>All twelve entry points (six operations, float and double), by name.</summary>
    public static IReadOnlyList<(string Name, EntryPoint Call)> EntryPoints { get; } =
    [
        ("Forward float", (x, y, g, a) => SigmoidFocalLoss.Forward(F(x), F(y), new float[x.Length], Options<float>(g, a))),
        ("Forward double", (x, y, g, a) => SigmoidFocalLoss.Forward(x, y, new double[x.Length], Options<double>(g, a))),
        ("Forward(sum) float", (x, y, g, a) => SigmoidFocalLoss.Forward(F(x), F(y), Options<float>(g, a, FocalReduction.Sum))),
        ("Forward(mean) double", (x, y, g, a) => SigmoidFocalLoss.Forward(x, y, Options<double>(g, a, FocalReduction.Mean))),
        ("Backward float", (x, y, g, a) => SigmoidFocalLoss.Backward(F(x), F(y), Ones<float>(x.Length), new float[x.Length], Options<float>(g, a))),
        ("Backward double", (x, y, g, a) => SigmoidFocalLoss.Backward(x, y, Ones<double>(x.Length), new double[x.Length], Options<double>(g, a))),
        ("Backward(mean) float", (x, y, g, a) => SigmoidFocalLoss.Backward(F(x), F(y), 1f, new float[x.Length], Options<float>(g, a, FocalReduction.Mean))),
        ("Backward(sum) double", (x, y, g, a) => SigmoidFocalLoss.Backward(x, y, 1.0, new double[x.Length], Options<double>(g, a, FocalReduction.Sum))),
        ("ForwardBackward float",
            (x, y, g, a) => SigmoidFocalLoss.ForwardBackward(F(x), F(y), new float[x.Length], new float[x.Length], Options<float>(g, a))),
        ("ForwardBackward double",
            (x, y, g, a) => SigmoidFocalLoss.ForwardBackward(x, y, new double[x.Length], new double[x.Length], Options<double>(g, a))),
        ("ForwardBackward(normalized) float",
            (x, y, g, a) => SigmoidFocalLoss.ForwardBackward(F(x), F(y), new float[x.Length], Options<float>(g, a, FocalReduction.Normalized(2)))),
        ("ForwardBackward(mean) double",
            (x, y, g, a) => SigmoidFocalLoss.ForwardBackward(x, y, new double[x.Length], Options<double>(g, a, FocalReduction.Mean))),
    ];

    public static TheoryData<double> InvalidGammas => [-1, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.000001e6, 1e39];

    public static TheoryData<double> InvalidAlphas => [1.0000001, 2, double.NaN, double.PositiveInfinity];

    public static TheoryData<double> InvalidTargets => [-1e-7, 1.0000001, 2, -0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<double> InvalidNormalizers => [0, -0.0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Theory]
    [MemberData(nameof(InvalidGammas))]
    public void Gamma_must_be_finite_not_negative_and_at_most_1e6(double gamma)
    {
        foreach (var (name, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("gamma", "gamma", name, () => call(X, Y, gamma, 0.25));
    }

    [Theory]
    [MemberData(nameof(InvalidAlphas))]
    public void Alpha_must_not_exceed_one_or_be_NaN(double alpha)
    {
        foreach (var (name, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("alpha", "alpha", name, () => call(X, Y, 2, alpha));
    }

    [Fact]
    public void The_edges_of_gamma_and_alpha_are_accepted()
    {
        foreach (var (_, call) in EntryPoints)
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
        foreach (var (name, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("targets", "targets[3]", name, () => call(X, y, 2, 0.25), exactType: true);
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
            var y = (double[])value.Targets.Clone();
            y[index] = bad;
            var (name, call) = EntryPoints[entry];
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
        foreach (var (name, call) in EntryPoints)
            AssertRejected<ArgumentOutOfRangeException>("targets", "targets[200000]", name, () => call(value.Logits, y, 2, 0.25), exactType: true);
    }

    [Fact]
    public void Minus_zero_is_a_valid_target()
    {
        var y = (double[])Y.Clone();
        y[1] = -0.0;
        foreach (var (_, call) in EntryPoints)
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
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.Backward(buffer.AsSpan(1, n), targets, 1f, buffer.AsSpan(0, n), Reduced<float>(FocalReduction.Sum)));
        AssertOverlap(["losses"], () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, buffer.AsSpan(1, n), new float[n]));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, new float[n], buffer.AsSpan(1, n)));
        AssertOverlap(["gradient"], () => SigmoidFocalLoss.ForwardBackward(buffer.AsSpan(0, n), targets, buffer.AsSpan(1, n), Reduced<float>(FocalReduction.Mean)));

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
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward float", () => SigmoidFocalLoss.Forward(F(X), F(Y), Reduced<float>(none)));
            AssertRejected<ArgumentException>("reduction", "reduction", "Forward double", () => SigmoidFocalLoss.Forward(X, Y, Reduced<double>(none)));
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
