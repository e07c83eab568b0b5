using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// The analytic gradients (the reference's and the runtime's, in double) equal a central finite difference of the
/// reference loss, for moderate logits where the difference is well conditioned.
/// </summary>
public sealed class FiniteDifferenceTests
{
    [Property(MaxTest = 100)]
    public Property Reference_gradient_is_the_derivative_of_the_reference_loss() => Prop.ForAll(FocalCases.Moderate, value =>
    {
        for (var i = 0; i < value.Length; i++)
            AssertNearDifference(value, i, FocalReference.Gradient(value.Logits[i], value.Targets[i], value.Gamma, value.Alpha), "reference");
    });

    [Property(MaxTest = 100)]
    public Property Runtime_gradient_is_the_derivative_of_the_reference_loss() => Prop.ForAll(FocalCases.Moderate, value =>
    {
        var gradient = new double[value.Length];
        SigmoidFocalLoss.Backward(value.Logits, value.Targets, 1.0, gradient, value.Options<double>(FocalReduction.Sum));
        for (var i = 0; i < value.Length; i++)
            AssertNearDifference(value, i, gradient[i], "runtime");
    });

    private static void AssertNearDifference(FocalCase value, int i, double gradient, string what)
    {
        var (x, y) = (value.Logits[i], value.Targets[i]);
        var difference = FocalReference.GradientByFiniteDifference(x, y, value.Gamma, value.Alpha, Tolerances.FiniteDifferenceStep);
        var scale = FocalReference.GradientMagnitude(x, y, value.Gamma, value.Alpha) + FocalReference.Loss(x, y, value.Gamma, value.Alpha);
        Assert.True(Math.Abs(gradient - difference) <= Tolerances.FiniteDifferenceRelative * scale,
            $"{what} gradient[{i}] = {gradient:R} but the finite difference is {difference:R} " +
            $"(x = {x:R}, y = {y:R}, gamma = {value.Gamma:R}, alpha = {value.Alpha:R})");
    }
}
