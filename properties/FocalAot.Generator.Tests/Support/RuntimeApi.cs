using System.Numerics;

namespace FocalAot.Generator.Tests.Support;

/// <summary>SigmoidFocalLoss's public API for one element type, so tests can be written once for float and double.</summary>
internal interface IRuntimeApi<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    static abstract Precision Precision { get; }

    static abstract void Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, double gamma, double alpha);

    static abstract T Forward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, double gamma, double alpha);

    static abstract void Backward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, double gamma, double alpha);

    static abstract void Backward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, T upstream, Span<T> gradient, double gamma, double alpha);

    static abstract void ForwardBackward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, double gamma, double alpha);

    static abstract T ForwardBackward(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, Span<T> gradient, double gamma, double alpha);
}

internal readonly struct SingleApi : IRuntimeApi<float>
{
    public static Precision Precision => Precision.Single;

    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, losses, gamma, alpha);

    public static float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, reduction, gamma, alpha);

    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> upstream, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, upstream, gradient, gamma, alpha);

    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, float upstream, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, reduction, upstream, gradient, gamma, alpha);

    public static void ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> losses, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, gamma, alpha);

    public static float ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, FocalReduction reduction, Span<float> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, reduction, gradient, gamma, alpha);
}

internal readonly struct DoubleApi : IRuntimeApi<double>
{
    public static Precision Precision => Precision.Double;

    public static void Forward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, losses, gamma, alpha);

    public static double Forward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, double gamma, double alpha)
        => SigmoidFocalLoss.Forward(logits, targets, reduction, gamma, alpha);

    public static void Backward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, ReadOnlySpan<double> upstream, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, upstream, gradient, gamma, alpha);

    public static void Backward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, double upstream, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.Backward(logits, targets, reduction, upstream, gradient, gamma, alpha);

    public static void ForwardBackward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, Span<double> losses, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, losses, gradient, gamma, alpha);

    public static double ForwardBackward(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, FocalReduction reduction, Span<double> gradient, double gamma, double alpha)
        => SigmoidFocalLoss.ForwardBackward(logits, targets, reduction, gradient, gamma, alpha);
}
