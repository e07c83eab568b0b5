using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Every argument rule of the softmax operations: the exception type, the parameter it names, a message that states the
/// rule, and outputs (and any input sharing their memory) left exactly as they were.
/// </summary>
public sealed class SoftmaxArgumentTests
{
    /// <summary>What every output holds before a call that must fail: a value no call computes here.</summary>
    private const double Sentinel = 12345.5;

    private const int Rows = 5;

    private const int Classes = 5;

    public static TheoryData<double> InvalidGammas => [-1, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.000001e6];

    public static TheoryData<double> InvalidAlphas => [1.0000001, 2, double.NaN, double.PositiveInfinity];

    public static TheoryData<double> InvalidSmoothings => [-1e-9, -1, 1.0000001, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<double> InvalidNonNegatives => [-1e-9, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<double> InvalidNormalizers => [0, -0.0, -2, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static TheoryData<double> InvalidProbabilities => [-1e-7, 1.0000001, 2, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    /// <summary>The six operations: per-sample and reduced forward, backward and fused.</summary>
    public enum Operation
    {
        Forward,
        ForwardReduced,
        Backward,
        BackwardReduced,
        ForwardBackward,
        ForwardBackwardReduced,
    }

    private static readonly Operation[] Everything = Enum.GetValues<Operation>();

    private static readonly Operation[] WithLosses = [Operation.Forward, Operation.ForwardBackward];

    private static readonly Operation[] WithGradient =
        [Operation.Backward, Operation.BackwardReduced, Operation.ForwardBackward, Operation.ForwardBackwardReduced];

    private static readonly Operation[] PerSample = [Operation.Forward, Operation.Backward, Operation.ForwardBackward];

    private static readonly Operation[] Reduced = [Operation.ForwardReduced, Operation.BackwardReduced, Operation.ForwardBackwardReduced];

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Classes_must_be_at_least_one(int classes)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "classes", "classes must be >= 1", c => c.Classes = classes);

    [Fact]
    public void Logits_must_be_a_whole_number_of_rows()
        => RejectedEverywhere<ArgumentException>(Everything, "logits", "not a multiple of classes = 5", c => c.Logits = c.Logits[..^1]);

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Class_indices_must_be_one_per_row(int change)
    {
        foreach (var inputs in IndexConfigurations())
        {
            inputs.Targets = Resize(inputs.Targets, Rows + change);
            RejectedBy<ArgumentException>(inputs, Everything, "targets", "one class index per row");
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(-Classes)]
    public void Target_probabilities_must_be_one_per_logit(int change)
    {
        foreach (var inputs in SoftConfigurations())
        {
            inputs.Targets = Resize(inputs.Targets, (Rows * Classes) + change);
            RejectedBy<ArgumentException>(inputs, Everything, "targets", "one probability per logit, [N, C]");
        }
    }

    [Fact]
    public void A_class_index_out_of_range_names_its_row_and_the_rule()
    {
        foreach (var inputs in IndexConfigurations())
        {
            inputs.Targets[3] = 7;
            RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets",
                "targets[3] = 7 is invalid: a class index must be in [0, 5) or equal ignoreIndex (-100).");
        }
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(4, -1)]
    [InlineData(2, -99)]
    [InlineData(1, -101)]
    [InlineData(4, int.MaxValue)]
    [InlineData(0, int.MinValue)]
    public void Class_indices_must_be_in_range_or_the_ignore_index(int row, long index)
    {
        foreach (var inputs in IndexConfigurations())
        {
            inputs.Targets[row] = index;
            RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets", $"targets[{row}] = {index} is invalid");
        }
    }

    /// <summary>A long index whose low 32 bits are a valid class must not pass as that class.</summary>
    [Theory]
    [InlineData(4294967297L)]
    [InlineData(-4294967294L)]
    [InlineData(long.MinValue)]
    public void Long_class_indices_beyond_int_are_rejected(long index)
    {
        var inputs = new Inputs<double, long>(soft: false);
        inputs.Targets[2] = index;
        RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets", $"targets[2] = {index} is invalid");
    }

    [Fact]
    public void The_default_ignore_index_is_an_error_once_another_is_chosen()
    {
        foreach (var inputs in IndexConfigurations())
        {
            inputs.IgnoreIndex = -1;
            RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets",
                "targets[3] = -100 is invalid: a class index must be in [0, 5) or equal ignoreIndex (-1).");
        }
    }

    [Theory]
    [MemberData(nameof(InvalidProbabilities))]
    public void Target_probabilities_must_be_in_zero_to_one(double probability)
    {
        foreach (var inputs in SoftConfigurations())
        {
            inputs.Targets[(1 * Classes) + 2] = probability;
            RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets", "targets[7] (row 1, class 2)");
        }
    }

    [Fact]
    public void The_edges_of_every_rule_are_accepted()
    {
        foreach (var (gamma, alpha, smoothing) in new[] { (0.0, 0.0, 0.0), (1e6, 1.0, 1.0), (0.5, -1.0, 0.5), (2.0, double.NegativeInfinity, 0.0) })
        {
            foreach (var inputs in Configurations())
            {
                inputs.Gamma = gamma;
                inputs.Alpha = alpha;
                inputs.Smoothing = smoothing;
                inputs.ClassAlpha = alpha >= 0 ? [0, 1e6, 1, 0.5, 2] : null;
                inputs.Weights = [0, 0, 1e30, 0, 7];
                foreach (var operation in Everything)
                    inputs.Invoke(operation);
            }
        }

        // An ignore index inside [0, C) is allowed: those rows are skipped.
        var ignoreInRange = new Inputs<float, int>(soft: false) { IgnoreIndex = 2, Targets = [0, 4, 2, 2, 1] };
        foreach (var operation in Everything)
            ignoreInRange.Invoke(operation);
    }

    [Theory]
    [MemberData(nameof(InvalidGammas))]
    public void Gamma_must_be_finite_not_negative_and_at_most_1e6(double gamma)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "gamma", "gamma must be a finite number >= 0 and <= 1e6",
            c => c.Gamma = gamma);

    [Theory]
    [MemberData(nameof(InvalidAlphas))]
    public void Alpha_must_be_at_most_one_and_not_NaN(double alpha)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "alpha", "alpha must be in [0, 1]", c => c.Alpha = alpha);

    [Theory]
    [MemberData(nameof(InvalidSmoothings))]
    public void Label_smoothing_must_be_in_zero_to_one(double smoothing)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "labelSmoothing", "labelSmoothing must be in [0, 1]",
            c => c.Smoothing = smoothing);

    [Theory]
    [InlineData(-1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Poly_epsilon_must_be_finite_and_at_least_minus_one(double epsilon)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "polyEpsilon", "polyEpsilon must be a finite number >= -1",
            c => c.PolyEpsilon = epsilon);

    [Fact]
    public void Sample_dependent_gamma_takes_no_gamma()
    {
        float[] logits = [0.5f, -1, 2], losses = [7];
        int[] targets = [1];
        var error = Assert.Throws<ArgumentException>(() => SoftmaxFocalLoss.Forward<float, int>(
            logits, targets, 3, losses, new() { SampleDependentGamma = true, Gamma = 3 }));
        Assert.Equal("gamma", error.ParamName);
        Assert.Contains("left unset", error.Message, StringComparison.Ordinal);
        Assert.Equal([7f], losses);
    }

    [Fact]
    public void Sample_dependent_gamma_is_gamma_5_below_p_0_2_and_3_above()
    {
        // Row 0: the target's p is about 0.03 (γ = 5); row 1: about 0.79 (γ = 3).
        double[] logits = [0, 1, 3.5, 2, 0.3, -0.5];
        long[] targets = [0, 0];
        var flsd = new double[2];
        var gradient = new double[6];
        SoftmaxFocalLoss.ForwardBackward<double, long>(logits, targets, 3, flsd, gradient, new() { SampleDependentGamma = true });
        foreach (var (row, gamma) in new[] { (0, 5.0), (1, 3.0) })
        {
            var loss = new double[1];
            var rowGradient = new double[3];
            SoftmaxFocalLoss.ForwardBackward<double, long>(logits.AsSpan(row * 3, 3), targets.AsSpan(row, 1), 3, loss, rowGradient,
                new() { Gamma = gamma });
            Assert.Equal(loss[0], flsd[row]);
            Assert.Equal(rowGradient, gradient[(row * 3)..((row * 3) + 3)]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(Classes - 1)]
    [InlineData(Classes + 1)]
    public void Class_alpha_must_have_one_value_per_class(int length)
        => RejectedEverywhere<ArgumentException>(Everything, "classAlpha", "one alpha per class",
            c => c.ClassAlpha = Enumerable.Repeat(0.5, length).ToArray());

    [Theory]
    [MemberData(nameof(InvalidNonNegatives))]
    public void Class_alpha_must_be_finite_and_not_negative(double alpha)
        => RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "classAlpha", "classAlpha[2] = ",
            c => c.ClassAlpha = [0.5, 3, alpha, 0, 1]);

    [Fact]
    public void Class_alpha_must_fit_in_float_where_the_rows_compute_in_float()
    {
        const string InFloat = "where the logits are 16- or 32-bit floats";

        // Two rows of three classes; the first row's target (class 1) is all but certain, so its loss is all but 0.
        double[] logits = [0, 100, -3, 1, 2, 3];

        // The next double above float's largest rounds to ∞ in float, where a loss of 0 times ∞ would be NaN.
        double[] beyond = [Math.BitIncrement(float.MaxValue), 1e300];
        foreach (var alpha in beyond)
        {
            foreach (var inputs in Configurations().Where(c => !c.ComputesInDouble))
            {
                inputs.ClassAlpha = [0.5, 3, alpha, 0, 1];
                RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "classAlpha",
                    $"classAlpha[2] = {alpha.ToString(CultureInfo.InvariantCulture)} is invalid: every class alpha must be finite and >= 0, " +
                    $"and at most 3.4028235E+38 (float's largest) {InFloat}.");
            }

            ClassAlphaRefused(logits.Select(v => (Half)v).ToArray(), alpha);
            ClassAlphaRefused(logits.Select(v => (BFloat16)v).ToArray(), alpha);
        }

        // Up to float's largest, and any finite value for double logits, the losses are finite.
        var floatLosses = new float[2];
        SoftmaxFocalLoss.Forward<float, int>(logits.Select(v => (float)v).ToArray(), [1, 0], 3, floatLosses,
            new() { ClassAlpha = [1, float.MaxValue, 1] });
        Assert.All(floatLosses, loss => Assert.True(float.IsFinite(loss), $"loss {loss}"));
        var losses = new double[2];
        SoftmaxFocalLoss.Forward<double, int>(logits, [1, 0], 3, losses, new() { ClassAlpha = [1, 1e300, 1] });
        Assert.All(losses, loss => Assert.True(double.IsFinite(loss), $"loss {loss}"));

        static void ClassAlphaRefused<T>(T[] logits, double alpha)
            where T : unmanaged
        {
            var losses = new T[2];
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFocalLoss.Forward<T, int>(
                logits, [1, 0], 3, losses, new() { ClassAlpha = [1, alpha, 1] }));
            Assert.Equal("classAlpha", error.ParamName);
            Assert.Contains(InFloat, error.Message, StringComparison.Ordinal);
            Assert.All(losses, loss => Assert.Equal(default, loss));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(Rows - 1)]
    [InlineData(Rows + 1)]
    [InlineData(Rows * Classes)]
    public void Weights_must_be_one_per_row(int length)
        => RejectedEverywhere<ArgumentException>(Everything, "weights", "one weight per row",
            c => c.Weights = Enumerable.Repeat(0.5, length).ToArray());

    [Theory]
    [MemberData(nameof(InvalidNonNegatives))]
    public void Weights_must_be_finite_and_not_negative(double weight)
    {
        // A float weight of -1e-9 is still negative; of 1e39 it is +∞.
        RejectedEverywhere<ArgumentOutOfRangeException>(Everything, "weights", "weights[1] = ", c => c.Weights = [1, weight, 0, 2, 0.5]);
        if (weight == double.PositiveInfinity)
        {
            RejectedBy<ArgumentOutOfRangeException>(new Inputs<float, int>(soft: false) { Weights = [1, 1e39, 0, 2, 0.5] }, Everything,
                "weights", "weights[1] = ");
        }
    }

    [Fact]
    public void Per_sample_operations_reject_a_reduction()
    {
        foreach (var reduction in new[] { FocalReduction.Sum, FocalReduction.Mean, FocalReduction.WeightedMean, FocalReduction.Normalized(3) })
        {
            RejectedEverywhere<ArgumentException>(PerSample, "reduction", "this overload writes per-sample results (reduction None)",
                c => c.Reduction = reduction);
        }
    }

    [Fact]
    public void Reduced_operations_reject_no_reduction()
        => RejectedEverywhere<ArgumentException>(Reduced, "reduction", "reduction must be Sum, Mean, Normalized(normalizer) or WeightedMean",
            c => c.Reduction = FocalReduction.None);

    [Theory]
    [MemberData(nameof(InvalidNormalizers))]
    public void A_normalizer_must_be_finite_and_positive(double normalizer)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FocalReduction.Normalized(normalizer));
        Assert.Equal("normalizer", error.ParamName);
        Assert.Contains("normalizer must be a finite number > 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Losses_must_be_one_per_row(int change)
        => RejectedEverywhere<ArgumentException>(WithLosses, "losses", "one loss per row", c => c.LossCount = Rows + change);

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(-Classes)]
    public void The_gradient_must_be_one_per_logit(int change)
        => RejectedEverywhere<ArgumentException>(WithGradient, "gradient", "one per logit, [N, C]", c => c.GradientCount = (Rows * Classes) + change);

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void The_upstream_gradient_must_be_one_per_row(int change)
        => RejectedEverywhere<ArgumentException>([Operation.Backward], "upstream", "one upstream gradient per row",
            c => c.Upstream = Enumerable.Repeat(1.0, Rows + change).ToArray());

    /// <summary>An error at the last row of a call large enough for several threads: found before any row is written.</summary>
    [Fact]
    public void An_invalid_last_target_of_a_threaded_call_leaves_every_output_untouched()
    {
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = 2;
        const int LargeRows = 2000, LargeClasses = 80;
        var random = new Random(11);
        var inputs = new Inputs<float, int>(soft: false)
        {
            Classes = LargeClasses,
            Logits = Enumerable.Range(0, LargeRows * LargeClasses).Select(_ => random.NextDouble() * 8 - 4).ToArray(),
            Targets = Enumerable.Range(0, LargeRows).Select(_ => (double)random.Next(LargeClasses)).ToArray(),
            Upstream = Enumerable.Repeat(1.0, LargeRows).ToArray(),
            Weights = null,
            ClassAlpha = null,
            LossCount = LargeRows,
            GradientCount = LargeRows * LargeClasses,
        };
        inputs.Targets[^1] = LargeClasses;
        RejectedBy<ArgumentOutOfRangeException>(inputs, Everything, "targets", $"targets[{LargeRows - 1}] = {LargeClasses} is invalid");
    }

    [Fact]
    public void Element_types_other_than_the_four_float_types_are_not_supported()
    {
        NotSupportedFor<short>();
        NotSupportedFor<decimal>();
    }

    [Fact]
    public void Targets_other_than_int_long_or_the_logits_type_are_not_supported()
    {
        var logits = new float[Rows * Classes];
        var losses = Filled<float>(Rows);
        var gradient = Filled<float>(Rows * Classes);
        AssertNotSupported("short", "Targets of type Int16", () => SoftmaxFocalLoss.Forward<float, short>(logits, new short[Rows], Classes, losses));
        AssertNotSupported("byte", "Targets of type Byte",
            () => SoftmaxFocalLoss.Forward<float, byte>(logits, new byte[Rows], Classes, Mean<float>()));
        AssertNotSupported("uint", "Targets of type UInt32",
            () => SoftmaxFocalLoss.ForwardBackward<float, uint>(logits, new uint[Rows], Classes, losses, gradient));
        AssertNotSupported("ulong", "Targets of type UInt64",
            () => SoftmaxFocalLoss.Backward<float, ulong>(logits, new ulong[Rows], Classes, 1f, gradient, Mean<float>()));
        AssertNotSupported("double for float logits", "Targets of type Double",
            () => SoftmaxFocalLoss.Backward<float, double>(logits, new double[Rows * Classes], Classes, Filled<float>(Rows), gradient));
        AssertNotSupported("float for double logits", "Targets of type Single",
            () => SoftmaxFocalLoss.ForwardBackward<double, float>(new double[Rows * Classes], new float[Rows * Classes], Classes,
                new double[Rows * Classes], new FocalLossOptions<double> { Reduction = FocalReduction.Sum }));
        AssertSentinel(losses, "losses");
        AssertSentinel(gradient, "gradient");
    }

    [Fact]
    public void Outputs_must_not_overlap_the_logits_except_the_gradient_exactly()
    {
        var buffer = Filled<float>((Rows * Classes) + 1);
        int[] targets = [0, 1, 2, 3, 4];
        RejectedShared<ArgumentException>("losses", "losses must not overlap logits", buffer,
            () => SoftmaxFocalLoss.Forward<float, int>(buffer.AsSpan(0, Rows * Classes), targets, Classes, buffer.AsSpan(3, Rows)));
        RejectedShared<ArgumentException>("losses", "losses must not overlap logits", buffer,
            () => SoftmaxFocalLoss.ForwardBackward<float, int>(buffer.AsSpan(1, Rows * Classes), targets, Classes, buffer.AsSpan(0, Rows),
                new float[Rows * Classes]));
        foreach (var offset in new[] { 1, -1 })
        {
            RejectedShared<ArgumentException>("gradient", "gradient must not partially overlap logits", buffer,
                () => SoftmaxFocalLoss.Backward<float, int>(buffer.AsSpan(offset > 0 ? 0 : 1, Rows * Classes), targets, Classes,
                    Filled<float>(Rows), buffer.AsSpan(offset > 0 ? 1 : 0, Rows * Classes)));
            RejectedShared<ArgumentException>("gradient", "gradient must not partially overlap logits", buffer,
                () => SoftmaxFocalLoss.ForwardBackward<float, int>(buffer.AsSpan(offset > 0 ? 0 : 1, Rows * Classes), targets, Classes,
                    buffer.AsSpan(offset > 0 ? 1 : 0, Rows * Classes), new FocalLossOptions<float> { Reduction = FocalReduction.Sum }));
        }
    }

    [Fact]
    public void Outputs_must_not_overlap_the_targets()
    {
        // Class indices and float outputs of the same bytes: a write would change the classes of later rows.
        var shared = Filled<float>(Rows * Classes);
        MemoryMarshal.Cast<float, int>(shared.AsSpan(0, Rows)).Fill(1);
        var logits = new float[Rows * Classes];
        RejectedShared<ArgumentException>("losses", "losses must not overlap targets", shared,
            () => SoftmaxFocalLoss.Forward<float, int>(logits, MemoryMarshal.Cast<float, int>(shared.AsSpan(0, Rows)), Classes,
                shared.AsSpan(2, Rows)));
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap targets", shared,
            () => SoftmaxFocalLoss.Backward<float, int>(logits, MemoryMarshal.Cast<float, int>(shared.AsSpan(0, Rows)), Classes, 1f,
                shared, new FocalLossOptions<float> { Reduction = FocalReduction.Mean }));

        var probabilities = Enumerable.Repeat(0.25, 2 * Rows * Classes).ToArray();
        RejectedShared<ArgumentException>("losses", "losses must not overlap targets", probabilities,
            () => SoftmaxFocalLoss.ForwardBackward<double, double>(new double[Rows * Classes], probabilities.AsSpan(0, Rows * Classes), Classes,
                probabilities.AsSpan((Rows * Classes) - 1, Rows), new double[Rows * Classes]));
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap targets", probabilities,
            () => SoftmaxFocalLoss.ForwardBackward<double, double>(new double[Rows * Classes], probabilities.AsSpan(0, Rows * Classes), Classes,
                new double[Rows], probabilities.AsSpan(Rows, Rows * Classes)));
    }

    [Fact]
    public void Outputs_must_not_overlap_the_weights_or_the_class_alpha()
    {
        var logits = new double[Rows * Classes];
        long[] targets = [0, 1, 2, 3, 4];
        var shared = Enumerable.Repeat(0.5, 2 * Rows * Classes).ToArray();
        RejectedShared<ArgumentException>("losses", "losses must not overlap weights", shared,
            () => SoftmaxFocalLoss.Forward<double, long>(logits, targets, Classes, shared.AsSpan(2, Rows),
                new FocalLossOptions<double> { Weights = shared.AsSpan(0, Rows) }));
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap weights", shared,
            () => SoftmaxFocalLoss.ForwardBackward<double, long>(logits, targets, Classes, new double[Rows], shared.AsSpan(Rows - 1, Rows * Classes),
                new FocalLossOptions<double> { Weights = shared.AsSpan(0, Rows) }));
        RejectedShared<ArgumentException>("losses", "losses must not overlap classAlpha", shared,
            () => SoftmaxFocalLoss.ForwardBackward<double, long>(logits, targets, Classes, shared.AsSpan(Classes - 1, Rows),
                new double[Rows * Classes],
                new FocalLossOptions<double> { ClassAlpha = shared.AsSpan(0, Classes) }));
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap classAlpha", shared,
            () => SoftmaxFocalLoss.Backward<double, long>(logits, targets, Classes, 2.0, shared.AsSpan(1, Rows * Classes),
                new FocalLossOptions<double> { ClassAlpha = shared.AsSpan(0, Classes), Reduction = FocalReduction.WeightedMean }));

        // Float outputs over the bytes of the double class α.
        var alpha = Enumerable.Repeat(0.5, 2 * Rows * Classes).ToArray();
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap classAlpha", alpha,
            () => SoftmaxFocalLoss.ForwardBackward<float, int>(new float[Rows * Classes], [0, 1, 2, 3, 4], Classes,
                MemoryMarshal.Cast<double, float>(alpha.AsSpan(Classes - 1, Rows * Classes))[..(Rows * Classes)], new FocalLossOptions<float>
                {
                    ClassAlpha = alpha.AsSpan(0, Classes),
                    Reduction = FocalReduction.Mean,
                }));
    }

    [Fact]
    public void The_gradient_must_not_overlap_the_upstream_gradient_or_the_losses()
    {
        var logits = new float[Rows * Classes];
        int[] targets = [0, 1, 2, 3, 4];
        var shared = Enumerable.Repeat(1f, (Rows * Classes) + Rows).ToArray();
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap upstream", shared,
            () => SoftmaxFocalLoss.Backward<float, int>(logits, targets, Classes, shared.AsSpan(Rows * Classes, Rows),
                shared.AsSpan(1, Rows * Classes)));
        RejectedShared<ArgumentException>("gradient", "gradient must not overlap losses", shared,
            () => SoftmaxFocalLoss.ForwardBackward<float, int>(logits, targets, Classes, shared.AsSpan(Rows * Classes, Rows),
                shared.AsSpan(Rows, Rows * Classes)));
    }

    private static void NotSupportedFor<T>()
        where T : unmanaged
    {
        var logits = new T[Rows * Classes];
        int[] targets = [0, 1, 2, 3, 4];
        var losses = new T[Rows];
        var gradient = new T[Rows * Classes];
        var name = typeof(T).Name;
        var message = $"Element type {name} is not supported";
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.Forward<T, int>(logits, targets, Classes, losses));
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.Forward<T, int>(logits, targets, Classes, Mean<T>()));
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.Backward<T, int>(logits, targets, Classes, new T[Rows], gradient));
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.Backward<T, int>(logits, targets, Classes, default(T), gradient, Mean<T>()));
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.ForwardBackward<T, int>(logits, targets, Classes, losses, gradient));
        AssertNotSupported(name, message, () => SoftmaxFocalLoss.ForwardBackward<T, T>(logits, new T[Rows * Classes], Classes, gradient, Mean<T>()));
        Assert.All(losses, v => Assert.Equal(default, v));
        Assert.All(gradient, v => Assert.Equal(default, v));
    }

    private static FocalLossOptions<T> Mean<T>()
        where T : unmanaged
        => new() { Reduction = FocalReduction.Mean };

    private static void AssertNotSupported(string what, string phrase, Action call)
    {
        var error = Assert.Throws<NotSupportedException>(call);
        Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    /// <summary>Every configuration (float and int, double and long, float probabilities, double probabilities).</summary>
    private static IEnumerable<Inputs> Configurations() => [.. IndexConfigurations(), .. SoftConfigurations()];

    private static IEnumerable<Inputs> IndexConfigurations() => [new Inputs<float, int>(soft: false), new Inputs<double, long>(soft: false)];

    private static IEnumerable<Inputs> SoftConfigurations() => [new Inputs<float, float>(soft: true), new Inputs<double, double>(soft: true)];

    private static void RejectedEverywhere<TException>(Operation[] operations, string parameter, string phrase, Action<Inputs> change)
        where TException : ArgumentException
    {
        foreach (var inputs in Configurations())
        {
            change(inputs);
            RejectedBy<TException>(inputs, operations, parameter, phrase);
        }
    }

    private static void RejectedBy<TException>(Inputs inputs, Operation[] operations, string parameter, string phrase)
        where TException : ArgumentException
    {
        foreach (var operation in operations)
        {
            var what = $"{inputs} {operation}";
            var error = Assert.Throws<TException>(() => inputs.Invoke(operation));
            Assert.True(error.ParamName == parameter, $"{what}: the error names {error.ParamName}, not {parameter}: {error.Message}");
            Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"{what}: \"{error.Message}\" does not say \"{phrase}\"");
            inputs.AssertOutputsUntouched(what);
        }
    }

    /// <summary>Rejected, naming <paramref name="parameter"/>, with <paramref name="shared"/> (outputs and inputs in one) unchanged.</summary>
    private static void RejectedShared<TException>(string parameter, string phrase, Array shared, Action call)
        where TException : ArgumentException
    {
        var before = (Array)shared.Clone();
        var error = Assert.Throws<TException>(call);
        Assert.True(error.ParamName == parameter, $"the error names {error.ParamName}, not {parameter}: {error.Message}");
        Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"\"{error.Message}\" does not say \"{phrase}\"");
        Assert.True(StructuralComparisons.StructuralEqualityComparer.Equals(before, shared), $"{parameter}: the shared memory changed");
    }

    private static T[] Filled<T>(int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Enumerable.Repeat(T.CreateTruncating(Sentinel), length).ToArray();

    private static void AssertSentinel<T>(T[] values, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Assert.True(values.All(v => v == T.CreateTruncating(Sentinel)), $"{what} was written");

    private static double[] Resize(double[] values, int length)
    {
        var copy = new double[length];
        Array.Copy(values, copy, Math.Min(length, values.Length));
        return copy;
    }

    /// <summary>One call's inputs in double, with a flaw to test put in; converted to the call's types when it runs.</summary>
    private abstract class Inputs
    {
        protected Inputs(bool soft)
        {
            var random = new Random(5);
            Logits = Enumerable.Range(0, Rows * Classes).Select(_ => Math.Round((random.NextDouble() * 8) - 4, 3)).ToArray();
            Targets = soft
                ? Enumerable.Range(0, Rows * Classes).Select(i => (i % 3) * 0.25).ToArray()
                : [0, 4, 2, -100, 1];
        }

        public int Classes { get; set; } = SoftmaxArgumentTests.Classes;

        public double[] Logits { get; set; }

        /// <summary>Class indices or probabilities, as the configuration takes them.</summary>
        public double[] Targets { get; set; }

        public double[] Upstream { get; set; } = [1, -0.5, 2, 0, 1];

        public double[]? Weights { get; set; } = [1, 0.5, 0, 2, 1];

        public double[]? ClassAlpha { get; set; } = [0.25, 1, 2, 0, 0.5];

        public double Gamma { get; set; } = 2;

        public double Alpha { get; set; } = 0.25;

        public double Smoothing { get; set; } = 0.1;

        public double PolyEpsilon { get; set; } = 0.5;

        public long IgnoreIndex { get; set; } = -100;

        /// <summary>The reduction, or null for None in a per-sample operation and Mean in a reduced one.</summary>
        public FocalReduction? Reduction { get; set; }

        public int LossCount { get; set; } = Rows;

        public int GradientCount { get; set; } = Rows * SoftmaxArgumentTests.Classes;

        /// <summary>Whether the call's logits are double (the rows compute in double; else in float).</summary>
        public abstract bool ComputesInDouble { get; }

        /// <summary>Fills fresh outputs with the sentinel and runs <paramref name="operation"/>.</summary>
        public abstract void Invoke(Operation operation);

        public abstract void AssertOutputsUntouched(string what);
    }

    private sealed class Inputs<T, TTarget>(bool soft) : Inputs(soft)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTarget : unmanaged
    {
        private T[] losses = [];
        private T[] gradient = [];

        public override bool ComputesInDouble => typeof(T) == typeof(double);

        public override void Invoke(Operation operation)
        {
            losses = Filled<T>(LossCount);
            gradient = Filled<T>(GradientCount);
            var logits = SoftmaxRun<T>.Convert(Logits);
            var targets = Targets.Select(Target).ToArray();
            var upstream = SoftmaxRun<T>.Convert(Upstream);
            var weights = Weights is null ? null : SoftmaxRun<T>.Convert(Weights);
            var options = new FocalLossOptions<T>
            {
                Gamma = Gamma,
                Alpha = Alpha,
                ClassAlpha = ClassAlpha,
                Weights = weights,
                LabelSmoothing = Smoothing,
                PolyEpsilon = PolyEpsilon,
                IgnoreIndex = IgnoreIndex,
                Reduction = Reduction ?? (Array.IndexOf(SoftmaxArgumentTests.Reduced, operation) >= 0 ? FocalReduction.Mean : FocalReduction.None),
            };
            switch (operation)
            {
                case Operation.Forward:
                    SoftmaxFocalLoss.Forward<T, TTarget>(logits, targets, Classes, losses, options);
                    break;
                case Operation.ForwardReduced:
                    SoftmaxFocalLoss.Forward<T, TTarget>(logits, targets, Classes, options);
                    break;
                case Operation.Backward:
                    SoftmaxFocalLoss.Backward<T, TTarget>(logits, targets, Classes, upstream, gradient, options);
                    break;
                case Operation.BackwardReduced:
                    SoftmaxFocalLoss.Backward<T, TTarget>(logits, targets, Classes, T.CreateTruncating(-1.5), gradient, options);
                    break;
                case Operation.ForwardBackward:
                    SoftmaxFocalLoss.ForwardBackward<T, TTarget>(logits, targets, Classes, losses, gradient, options);
                    break;
                default:
                    SoftmaxFocalLoss.ForwardBackward<T, TTarget>(logits, targets, Classes, gradient, options);
                    break;
            }
        }

        public override void AssertOutputsUntouched(string what)
        {
            AssertSentinel(losses, $"{what}: losses");
            AssertSentinel(gradient, $"{what}: gradient");
        }

        public override string ToString() => $"{typeof(T).Name} logits, {typeof(TTarget).Name} targets:";

        private static TTarget Target(double value)
        {
            if (typeof(TTarget) == typeof(int))
                return (TTarget)(object)(int)Math.Clamp(value, int.MinValue, int.MaxValue);
            if (typeof(TTarget) == typeof(long))
                return (TTarget)(object)(long)value;
            return (TTarget)(object)T.CreateTruncating(value);
        }
    }
}
