using System.Globalization;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// The runtime's double gradient (fused, per sample) is the derivative of its own double loss: a Richardson central
/// difference of the loss of each row as one logit moves, for moderate logits where the difference is well conditioned.
/// </summary>
public sealed class SoftmaxFiniteDifferenceTests
{
    /// <summary>Logits uniform in [-8, 8], every kind of target and option, γ from the kernels' specializations and beyond.</summary>
    private static Arbitrary<SoftmaxCase> Moderate { get; } = Arb.From(
        from classes in Gen.Frequency((6, Gen.Choose(2, 12)), (1, Gen.Elements(1, 17, 40)))
        from rows in Gen.Choose(1, 3)
        from logits in ScalarGenerators.ModerateLogit.ArrayOf(rows * classes)
        from soft in Gen.Elements(false, false, true)
        from indices in Gen.Frequency((9, Gen.Choose(0, classes - 1)), (1, Gen.Constant(-100))).Select(i => (long)i).ArrayOf(rows)
        from probabilities in ScalarGenerators.SoftTarget.ArrayOf(rows * classes)
        from gamma in Gen.Elements(0.0, 0.5, 1.0, 2.0, 2.7)
        from alpha in Gen.Elements(-1.0, 0.25, 1.0)
        from classAlpha in Gen.Frequency(
            (2, Gen.Constant<double[]?>(null)),
            (1, ScalarGenerators.Uniform(0, 3).ArrayOf(classes).Select(a => (double[]?)a)))
        from weights in Gen.Frequency(
            (2, Gen.Constant<double[]?>(null)),
            (1, Gen.Elements(0.0, 0.5, 1.0, 2.5).ArrayOf(rows).Select(w => (double[]?)w)))
        from smoothing in Gen.Frequency((2, Gen.Constant(0.0)), (1, Gen.Elements(0.1, 1.0)), (1, ScalarGenerators.Uniform(0, 1)))
        from poly in Gen.Frequency((2, Gen.Constant(0.0)), (1, Gen.Elements(1.0, -1.0, 2.5)))
        select new SoftmaxCase(
            classes, logits, soft ? null : indices, soft ? probabilities : null, gamma, alpha, classAlpha, weights, smoothing, -100)
        { PolyEpsilon = poly });

    [Property(MaxTest = 150)]
    public Property Double_gradient_is_the_derivative_of_the_double_loss() => Prop.ForAll(Moderate, value =>
    {
        var (_, gradient) = SoftmaxRun<double>.Fused(value);
        var (_, _, scale) = value.Expected(out var losses);
        for (var row = 0; row < value.Rows; row++)
        {
            for (var k = 0; k < value.Classes; k++)
            {
                var i = (row * value.Classes) + k;
                var difference = Richardson(value, row, k, Tolerances.FiniteDifferenceStep);
                var bound = Tolerances.FiniteDifferenceRelative * (scale[i] + losses[row]);
                Assert.True(Math.Abs(gradient[i] - difference) <= bound, string.Create(CultureInfo.InvariantCulture,
                    $"gradient[{i}] = {gradient[i]:R} but the finite difference is {difference:R} (bound {bound:E3}) for {value}"));
            }
        }
    });

    /// <summary>(4 D(h/2) - D(h)) / 3 of the central differences D of the row's loss in logit k.</summary>
    private static double Richardson(SoftmaxCase value, int row, int k, double step)
    {
        double Central(double h) => (RowLoss(value, row, k, h) - RowLoss(value, row, k, -h)) / (2 * h);
        return ((4 * Central(step / 2)) - Central(step)) / 3;
    }

    /// <summary>The runtime's double loss of one row with logit k moved by <paramref name="shift"/>.</summary>
    private static double RowLoss(SoftmaxCase value, int row, int k, double shift)
    {
        var classes = value.Classes;
        var x = value.Logits.AsSpan(row * classes, classes).ToArray();
        x[k] += shift;
        Span<double> loss = stackalloc double[1];
        var options = new FocalLossOptions<double>
        {
            Gamma = value.Gamma,
            Alpha = value.Alpha,
            ClassAlpha = value.ClassAlpha,
            Weights = value.Weights is null ? default : value.Weights.AsSpan(row, 1),
            LabelSmoothing = value.LabelSmoothing,
            PolyEpsilon = value.PolyEpsilon,
            IgnoreIndex = value.IgnoreIndex,
        };
        if (value.Indices is not null)
            SoftmaxFocalLoss.Forward<double, long>(x, value.Indices.AsSpan(row, 1), classes, loss, options);
        else
            SoftmaxFocalLoss.Forward<double, double>(x, value.Probabilities.AsSpan(row * classes, classes), classes, loss, options);
        return loss[0];
    }
}
