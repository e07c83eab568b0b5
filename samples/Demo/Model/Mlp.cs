using System.Numerics;

namespace FocalAot.Demo;

/// <summary>
/// A multilayer perceptron with ReLU hidden layers and one output, the logit of the minority class; with no hidden
/// layers it is logistic regression. Every weight and bias lives in one array, <see cref="Parameters"/>, so an
/// optimizer step and a gradient check see a single vector. Generic so the gradient can be checked in double.
/// </summary>
/// <typeparam name="T"><see cref="float"/> for training, <see cref="double"/> for the gradient check.</typeparam>
internal sealed class Mlp<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly int[] widths;
    private readonly int[] weightOffsets;

    /// <summary>He-initialized weights (N(0, 2 / fan-in)), zero biases.</summary>
    /// <param name="inputs">The features per sample.</param>
    /// <param name="hiddenWidths">The width of each hidden layer, first to last; empty for logistic regression.</param>
    /// <param name="seed">Seeds the initial weights.</param>
    public Mlp(int inputs, IReadOnlyList<int> hiddenWidths, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (hiddenWidths.Any(width => width < 1))
            throw new ArgumentOutOfRangeException(nameof(hiddenWidths), "Every hidden layer needs at least one unit.");
        widths = [inputs, .. hiddenWidths, 1];
        weightOffsets = new int[LayerCount];
        var offset = 0;
        for (var layer = 0; layer < LayerCount; layer++)
        {
            weightOffsets[layer] = offset;
            offset += (InputWidth(layer) + 1) * OutputWidth(layer);
        }

        Parameters = new T[offset];
        var random = new Random(seed);
        for (var layer = 0; layer < LayerCount; layer++)
        {
            var scale = Math.Sqrt(2.0 / InputWidth(layer));
            foreach (ref var weight in WeightsOf(Parameters, layer))
                weight = T.CreateTruncating(scale * random.NextStandardNormal());
        }
    }

    /// <summary>The widths of every layer: the inputs, each hidden layer, and the single output.</summary>
    public IReadOnlyList<int> Widths => widths;

    /// <summary>The number of weight layers (hidden layers + 1).</summary>
    public int LayerCount => widths.Length - 1;

    /// <summary>Every weight and bias: per layer, its weights row by row ([out, in]), then its biases.</summary>
    public T[] Parameters { get; }

    /// <summary>The logit of every sample of <paramref name="data"/>, computed in batches.</summary>
    public T[] PredictLogits(Dataset data)
    {
        const int BatchSize = 4096;
        var pass = new MlpPass<T>(this, BatchSize);
        var logits = new T[data.Count];
        var indices = new int[BatchSize];
        for (var first = 0; first < data.Count; first += BatchSize)
        {
            var count = Math.Min(BatchSize, data.Count - first);
            for (var k = 0; k < count; k++)
                indices[k] = first + k;
            pass.Load(data, indices.AsSpan(0, count));
            pass.Forward().CopyTo(logits.AsSpan(first));
        }

        return logits;
    }

    /// <summary>The inputs of weight layer <paramref name="layer"/> (0-based).</summary>
    public int InputWidth(int layer) => widths[layer];

    /// <summary>The outputs of weight layer <paramref name="layer"/>.</summary>
    public int OutputWidth(int layer) => widths[layer + 1];

    /// <summary>The weights of <paramref name="layer"/> within a parameter-shaped vector: row j feeds output j.</summary>
    public Span<T> WeightsOf(Span<T> parameters, int layer)
        => parameters.Slice(weightOffsets[layer], InputWidth(layer) * OutputWidth(layer));

    /// <summary>The biases of <paramref name="layer"/> within a parameter-shaped vector.</summary>
    public Span<T> BiasesOf(Span<T> parameters, int layer)
        => parameters.Slice(weightOffsets[layer] + (InputWidth(layer) * OutputWidth(layer)), OutputWidth(layer));
}
