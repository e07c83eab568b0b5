using System.Numerics;

namespace FocalAot.Properties.Support;

/// <summary>
/// The public API of one element type behind one generic face, so that each property is written once and run for
/// float and for double. Every member forwards to the matching <see cref="SigmoidFocalLoss"/> overload unchanged.
/// </summary>
internal interface IPrecision<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The promised per-element relative error.</summary>
    static abstract double Relative { get; }

    /// <summary>The promised relative error of a sum or mean of <paramref name="count"/> losses.</summary>
    static abstract double SumRelative(int count);

    static abstract void Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, double gamma, double alpha);

    static abstract T Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, double gamma, double alpha);

    static abstract void Backward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, double gamma, double alpha);

    static abstract void Backward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, T upstream, Span<T> gradient, double gamma, double alpha);

    static abstract void ForwardBackward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, double gamma, double alpha);

    static abstract T ForwardBackward(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, Span<T> gradient, double gamma, double alpha);
}

/// <summary>The float overloads.</summary>
internal readonly struct FloatApi : IPrecision<float>
{
    public static double Relative => Tolerances.FloatRelative;

    public static double SumRelative(int count) => Tolerances.FloatSumRelative;

    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, losses, gamma, alpha);

    public static float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, reduction, gamma, alpha);

    public static void Backward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> upstream, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, upstream, gradient, gamma, alpha);

    public static void Backward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, float upstream, Span<float> gradient,
        double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, reduction, upstream, gradient, gamma, alpha);

    public static void ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, gamma, alpha);

    public static float ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, reduction, gradient, gamma, alpha);
}

/// <summary>The double overloads.</summary>
internal readonly struct DoubleApi : IPrecision<double>
{
    public static double Relative => Tolerances.DoubleRelative;

    public static double SumRelative(int count) => Tolerances.DoubleSumRelative(count);

    public static void Forward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, losses, gamma, alpha);

    public static double Forward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, reduction, gamma, alpha);

    public static void Backward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, ReadOnlySpan<double> upstream, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, upstream, gradient, gamma, alpha);

    public static void Backward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, double upstream, Span<double> gradient,
        double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, reduction, upstream, gradient, gamma, alpha);

    public static void ForwardBackward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, gamma, alpha);

    public static double ForwardBackward(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, reduction, gradient, gamma, alpha);
}
