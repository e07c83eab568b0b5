using System.Numerics;

namespace FocalAot.Properties.Softmax;

/// <summary>Runs a <see cref="SoftmaxCase"/> through the public API in element type <typeparamref name="T"/>.</summary>
internal static class SoftmaxRun<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static T[] Convert(double[] values) => values.Select(T.CreateTruncating).ToArray();

    /// <summary>The case's weights in <typeparamref name="T"/>, or null for none.</summary>
    public static T[]? Weights(SoftmaxCase value) => value.Weights is null ? null : Convert(value.Weights);

    /// <summary>Per-sample losses and the gradient in one call.</summary>
    public static (T[] Losses, T[] Gradient) Fused(SoftmaxCase value)
    {
        var logits = Convert(value.Logits);
        var losses = new T[value.Rows];
        var gradient = new T[logits.Length];
        var weights = value.Weights is null ? null : Convert(value.Weights);
        var options = value.Options<T>(FocalReduction.None, weights);
        if (value.Indices is not null)
            SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, value.Classes, losses, gradient, options);
        else
            SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Convert(value.Probabilities!), value.Classes, losses, gradient, options);
        return (losses, gradient);
    }

    /// <summary>A reduced fused call: the reduced loss and its gradient.</summary>
    public static (T Loss, T[] Gradient) Reduced(SoftmaxCase value, FocalReduction reduction)
    {
        var logits = Convert(value.Logits);
        var gradient = new T[logits.Length];
        var weights = value.Weights is null ? null : Convert(value.Weights);
        var options = value.Options<T>(reduction, weights);
        var loss = value.Indices is not null
            ? SoftmaxFocalLoss.ForwardBackward<T, long>(logits, value.Indices, value.Classes, gradient, options)
            : SoftmaxFocalLoss.ForwardBackward<T, T>(logits, Convert(value.Probabilities!), value.Classes, gradient, options);
        return (loss, gradient);
    }

    /// <summary>Per-sample losses from <c>Forward</c> alone.</summary>
    public static T[] Forward(SoftmaxCase value)
    {
        var logits = Convert(value.Logits);
        var losses = new T[value.Rows];
        var options = value.Options<T>(FocalReduction.None, Weights(value));
        if (value.Indices is not null)
            SoftmaxFocalLoss.Forward<T, long>(logits, value.Indices, value.Classes, losses, options);
        else
            SoftmaxFocalLoss.Forward<T, T>(logits, Convert(value.Probabilities!), value.Classes, losses, options);
        return losses;
    }

    /// <summary>The reduced loss from <c>Forward</c> alone.</summary>
    public static T ReducedForward(SoftmaxCase value, FocalReduction reduction)
    {
        var logits = Convert(value.Logits);
        var options = value.Options<T>(reduction, Weights(value));
        return value.Indices is not null
            ? SoftmaxFocalLoss.Forward<T, long>(logits, value.Indices, value.Classes, options)
            : SoftmaxFocalLoss.Forward<T, T>(logits, Convert(value.Probabilities!), value.Classes, options);
    }

    /// <summary>The gradient of the reduced loss times a scalar upstream gradient, from <c>Backward</c> alone.</summary>
    public static T[] ReducedBackward(SoftmaxCase value, FocalReduction reduction, T upstream)
    {
        var logits = Convert(value.Logits);
        var gradient = new T[logits.Length];
        var options = value.Options<T>(reduction, Weights(value));
        if (value.Indices is not null)
            SoftmaxFocalLoss.Backward<T, long>(logits, value.Indices, value.Classes, upstream, gradient, options);
        else
            SoftmaxFocalLoss.Backward<T, T>(logits, Convert(value.Probabilities!), value.Classes, upstream, gradient, options);
        return gradient;
    }

    /// <summary>
    /// Whether some row's finite logits span more than the largest finite <typeparamref name="T"/>: an infinite
    /// log-probability in T.
    /// </summary>
    public static bool SpreadOverflows(SoftmaxCase value)
    {
        for (var row = 0; row < value.Rows; row++)
        {
            var finite = value.Logits.AsSpan(row * value.Classes, value.Classes).ToArray().Where(double.IsFinite).ToArray();
            if (finite.Length > 0 && T.IsInfinity(T.CreateTruncating(finite.Max()) - T.CreateTruncating(finite.Min())))
                return true;
        }

        return false;
    }
}
