using System.Numerics;

namespace FocalAot.Properties.Softmax;

/// <summary>Runs a <see cref="SoftmaxCase"/> through the public API in element type <typeparamref name="T"/>.</summary>
internal static class SoftmaxRun<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static T[] Convert(double[] values) => values.Select(T.CreateTruncating).ToArray();

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
}
