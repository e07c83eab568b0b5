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
        => Losses(actual, logits, targets, gamma, _ => alpha, [], relative, what);

    /// <summary>
    /// Per-element losses with a per-element α (<paramref name="alphaAt"/>: the class α or the scalar one) and weights
    /// (empty for none): the reference loss times the weight, under the bound of the unweighted loss scaled by the
    /// weight. A weight of 0 expects 0 whatever the logit.
    /// </summary>
    public static void Losses<T>(
        ReadOnlySpan<T> actual, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, Func<int, double> alphaAt,
        ReadOnlySpan<double> weights, double relative, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < actual.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var alpha = alphaAt(i);
            var weight = weights.IsEmpty ? 1.0 : weights[i];
            var expected = weight == 0 ? 0.0 : weight * FocalReference.Loss(x, y, gamma, alpha);
            var bound = Math.Abs(expected) >= Tolerances.AbsoluteFloor ? relative * Math.Abs(expected) : Tolerances.AbsoluteFloor;
            bound = weight == 0 ? 0 : Math.Max(bound, SubnormalModulationAllowance<T>(x, y, gamma) * Math.Abs(expected));
            Element<T>(what, i, x, y, gamma, alpha, weight, double.CreateTruncating(actual[i]), expected, bound, relative);
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
        => Gradients(actual, logits, targets, upstream, scale, gamma, _ => alpha, [], relative, what);

    /// <summary>
    /// Per-element gradients with a per-element α and weights (empty for none): the reference gradient times the
    /// weight and the upstream factor, under the bound of
    /// <see cref="Gradients{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, double, double, double, double, string)"/>
    /// scaled by the weight. A weight of 0 expects 0 whatever the logit.
    /// </summary>
    public static void Gradients<T>(
        ReadOnlySpan<T> actual, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, double scale,
        double gamma, Func<int, double> alphaAt, ReadOnlySpan<double> weights, double relative, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < actual.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var alpha = alphaAt(i);
            var weight = weights.IsEmpty ? 1.0 : weights[i];
            var factor = (upstream.IsEmpty ? scale : double.CreateTruncating(upstream[i])) * weight;
            var expected = weight == 0 ? 0.0 : factor * FocalReference.Gradient(x, y, gamma, alpha);
            double bound;
            if (y is 0 or 1)
                bound = Math.Abs(expected) >= Tolerances.AbsoluteFloor ? relative * Math.Abs(expected) : Tolerances.AbsoluteFloor;
            else
                bound = (relative * Math.Abs(factor) * FocalReference.GradientMagnitude(x, y, gamma, alpha)) + Tolerances.AbsoluteFloor;
            if (weight == 0)
                bound = 0;
            Element<T>(what, i, x, y, gamma, alpha, weight, double.CreateTruncating(actual[i]), expected, bound, relative);
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
        {
            Assert.Fail(Invariant(
                $"{what}: expected {expected:R}, got {actual:R}; error {error:R} > bound {bound:R} (relative {error / Math.Abs(expected):E3})"));
        }
    }

    /// <summary>What a reduced loss may lose to <see cref="SubnormalModulationAllowance{T}"/>, summed over the elements.</summary>
    public static double SubnormalAllowance<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SubnormalAllowance(logits, targets, gamma, _ => alpha, []);

    /// <summary>The same with a per-element α and weights (empty for none).</summary>
    public static double SubnormalAllowance<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double gamma, Func<int, double> alphaAt, ReadOnlySpan<double> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var allowance = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            var x = double.CreateTruncating(logits[i]);
            var y = double.CreateTruncating(targets[i]);
            var share = SubnormalModulationAllowance<T>(x, y, gamma);
            var weight = weights.IsEmpty ? 1.0 : weights[i];
            if (share > 0 && weight != 0)
                allowance += share * Math.Abs(weight * FocalReference.Loss(x, y, gamma, alphaAt(i)));
        }

        return allowance;
    }

    /// <summary>
    /// The documented limit of the float kernels: beyond |x| = 1e7, q^γ of a soft target near the wrong side can be a
    /// subnormal float, which carries only 2^-149 / q^γ relative precision. Zero inside the documented range.
    /// </summary>
    public static double SubnormalModulationAllowance<T>(double x, double y, double gamma)
    {
        const double smallestNormalFloat = 1.1754943508222875e-38;
        const double smallestSubnormalFloat = 1.401298464324817e-45;
        if (typeof(T) != typeof(float) || !(Math.Abs(x) > 1e7) || double.IsInfinity(x))
            return 0;
        var modulation = FocalReference.Modulation(x, y, gamma);
        return modulation > 0 && modulation < smallestNormalFloat ? smallestSubnormalFloat / modulation : 0;
    }

    private static void Element<T>(
        string what, int i, double x, double y, double gamma, double alpha, double weight, double actual, double expected, double bound,
        double relative)
    {
        string Where() => weight == 1
            ? Invariant($"{what}[{i}] (x = {x:R}, y = {y:R}, gamma = {gamma:R}, alpha = {alpha:R})")
            : Invariant($"{what}[{i}] (x = {x:R}, y = {y:R}, gamma = {gamma:R}, alpha = {alpha:R}, weight = {weight:R})");

        // A weight above 1 can carry a finite reference beyond T's range: then ∞ (or, at the edge, the largest value).
        var largest = typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;
        if (weight != 1 && double.IsFinite(expected) && Math.Abs(expected) > largest * (1 - relative))
        {
            if (double.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(expected))
                return;
            if (Math.Abs(expected) > largest * (1 + relative))
                expected = Math.Sign(expected) * double.PositiveInfinity;
        }

        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            if (!expected.Equals(actual))
                Assert.Fail(Invariant($"{Where()}: expected {expected:R}, got {actual:R}"));
            return;
        }

        var error = Math.Abs(actual - expected);
        if (!(error <= bound))
        {
            var relativeError = expected == 0 ? double.PositiveInfinity : error / Math.Abs(expected);
            Assert.Fail(Invariant(
                $"{Where()}: expected {expected:R}, got {actual:R}; error {error:R} > bound {bound:R} (relative error {relativeError:E3})"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
