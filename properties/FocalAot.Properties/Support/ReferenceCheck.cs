using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Reference;
using Xunit;

namespace FocalAot.Properties.Support;

/// <summary>Compares runtime outputs with <see cref="FocalReference"/> under the promised bounds, naming the first bad element.</summary>
internal static class ReferenceCheck
{
    /// <summary>Per-element losses: relative error ≤ <paramref name="relative"/> where |reference| ≥ 1e-30, else absolute ≤ 1e-30.</summary>
    public static void Losses<T>(
        ReadOnlySpan<T> actual, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, double alpha, double relative, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < actual.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var expected = FocalReference.Loss(x, y, gamma, alpha);
            var bound = Math.Abs(expected) >= Tolerances.AbsoluteFloor ? relative * Math.Abs(expected) : Tolerances.AbsoluteFloor;
            bound = Math.Max(bound, SubnormalModulationAllowance<T>(x, y, gamma) * Math.Abs(expected));
            Element(what, i, x, y, gamma, alpha, double.CreateTruncating(actual[i]), expected, bound);
        }
    }

    /// <summary>
    /// Per-element gradients times <paramref name="upstream"/>[i] (or times <paramref name="scale"/> when
    /// <paramref name="upstream"/> is empty). Hard labels: relative error as for the loss. Soft labels: the error
    /// relative to the size of the gradient's parts, <see cref="FocalReference.GradientMagnitude"/>, plus 1e-30.
    /// </summary>
    public static void Gradients<T>(
        ReadOnlySpan<T> actual, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, double scale,
        double gamma, double alpha, double relative, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < actual.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var factor = upstream.IsEmpty ? scale : double.CreateTruncating(upstream[i]);
            var expected = factor * FocalReference.Gradient(x, y, gamma, alpha);
            double bound;
            if (y is 0 or 1)
                bound = Math.Abs(expected) >= Tolerances.AbsoluteFloor ? relative * Math.Abs(expected) : Tolerances.AbsoluteFloor;
            else
                bound = (relative * Math.Abs(factor) * FocalReference.GradientMagnitude(x, y, gamma, alpha)) + Tolerances.AbsoluteFloor;
            Element(what, i, x, y, gamma, alpha, double.CreateTruncating(actual[i]), expected, bound);
        }
    }

    /// <summary>
    /// A reduced value against its expected double value: relative error ≤ <paramref name="relative"/> plus
    /// <paramref name="absolute"/>. A value beyond T's range must come back as ∞ (within the bound of the edge, either).
    /// </summary>
    public static void Reduced<T>(T reduced, double expected, double relative, double absolute, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var actual = double.CreateTruncating(reduced);
        var largest = typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;
        if (double.IsFinite(expected) && Math.Abs(expected) > largest * (1 - relative))
        {
            if (double.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(expected))
                return;
            if (Math.Abs(expected) > largest * (1 + relative))
                expected = Math.Sign(expected) * double.PositiveInfinity;
        }

        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            if (!expected.Equals(actual))
                Assert.Fail(Invariant($"{what}: expected {expected:R}, got {actual:R}"));
            return;
        }

        var error = Math.Abs(actual - expected);
        var bound = (relative * Math.Abs(expected)) + absolute;
        if (!(error <= bound))
            Assert.Fail(Invariant($"{what}: expected {expected:R}, got {actual:R}; error {error:R} > bound {bound:R} (relative {error / Math.Abs(expected):E3})"));
    }

    /// <summary>What a reduced loss may lose to <see cref="SubnormalModulationAllowance{T}"/>, summed over the elements.</summary>
    public static double SubnormalAllowance<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var allowance = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var share = SubnormalModulationAllowance<T>(x, y, gamma);
            if (share > 0)
                allowance += share * Math.Abs(FocalReference.Loss(x, y, gamma, alpha));
        }

        return allowance;
    }

    /// <summary>
    /// The documented limit of the float kernels: beyond |x| = 1e7, q^γ of a soft target near the wrong side can be a
    /// subnormal float, which carries only 2^-149 / q^γ relative precision. Zero inside the documented range.
    /// </summary>
    private static double SubnormalModulationAllowance<T>(double x, double y, double gamma)
    {
        const double smallestNormalFloat = 1.1754943508222875e-38;
        const double smallestSubnormalFloat = 1.401298464324817e-45;
        if (typeof(T) != typeof(float) || !(Math.Abs(x) > 1e7) || double.IsInfinity(x))
            return 0;
        var modulation = FocalReference.Modulation(x, y, gamma);
        return modulation > 0 && modulation < smallestNormalFloat ? smallestSubnormalFloat / modulation : 0;
    }

    private static void Element(string what, int i, double x, double y, double gamma, double alpha, double actual, double expected, double bound)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            if (!expected.Equals(actual))
                Assert.Fail(Invariant($"{what}[{i}] (x = {x:R}, y = {y:R}, gamma = {gamma:R}, alpha = {alpha:R}): expected {expected:R}, got {actual:R}"));
            return;
        }

        var error = Math.Abs(actual - expected);
        if (!(error <= bound))
        {
            var relativeError = expected == 0 ? double.PositiveInfinity : error / Math.Abs(expected);
            Assert.Fail(Invariant(
                $"{what}[{i}] (x = {x:R}, y = {y:R}, gamma = {gamma:R}, alpha = {alpha:R}): expected {expected:R}, got {actual:R}; error {error:R} > bound {bound:R} (relative error {relativeError:E3})"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
