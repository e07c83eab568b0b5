using System.Numerics;
using System.Numerics.Tensors;

namespace FocalAot.Demo;

/// <summary>
/// One batch through an <see cref="Mlp{T}"/>: the forward pass to the logits and the backward pass from dL/dlogit to
/// the gradient of every parameter. Values are kept unit-major (one unit's values for the whole batch side by side),
/// so each step of both passes is one long <see cref="TensorPrimitives"/> operation rather than many short ones.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal sealed class MlpPass<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Mlp<T> model;

    /// <summary>Per layer (inputs first, logits last), each unit's values for the batch; hidden ones after ReLU.</summary>
    private readonly T[][] activations;

    /// <summary>dL/d(pre-activation) per layer and unit, for the layers after the inputs.</summary>
    private readonly T[][] deltas;

    /// <summary>Buffers for batches of up to <paramref name="capacity"/> samples.</summary>
    public MlpPass(Mlp<T> model, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.model = model;
        Capacity = capacity;
        activations = [.. model.Widths.Select(width => new T[width * capacity])];
        deltas = [.. model.Widths.Select(width => new T[width * capacity])];
    }

    /// <summary>The most samples a batch can hold.</summary>
    public int Capacity { get; }

    /// <summary>The samples in the batch loaded last.</summary>
    public int Count { get; private set; }

    /// <summary>Loads the features of the samples at <paramref name="indices"/> as the batch.</summary>
    public void Load(Dataset data, ReadOnlySpan<int> indices)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(indices.Length, Capacity, nameof(indices));
        if (data.FeatureCount != model.Widths[0])
            throw new ArgumentException("The data's features do not match the model's inputs.", nameof(data));
        Count = indices.Length;
        var inputs = activations[0];
        for (var k = 0; k < indices.Length; k++)
        {
            var row = data.Row(indices[k]);
            for (var feature = 0; feature < row.Length; feature++)
                inputs[(feature * Capacity) + k] = T.CreateTruncating(row[feature]);
        }
    }

    /// <summary>The logits of the loaded batch, one per sample; valid until the next pass.</summary>
    public ReadOnlySpan<T> Forward()
    {
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            var weights = model.WeightsOf(model.Parameters, layer);
            var biases = model.BiasesOf(model.Parameters, layer);
            var inputs = model.InputWidth(layer);
            for (var unit = 0; unit < model.OutputWidth(layer); unit++)
            {
                var output = Unit(activations, layer + 1, unit);
                output.Fill(biases[unit]);
                for (var input = 0; input < inputs; input++)
                    TensorPrimitives.MultiplyAdd(Unit(activations, layer, input), weights[(unit * inputs) + input], output, output);
                if (layer + 1 < model.LayerCount)
                    TensorPrimitives.Max(output, T.Zero, output);
            }
        }

        return Unit(activations, model.LayerCount, 0);
    }

    /// <summary>
    /// Back-propagates dL/dlogit of the batch <see cref="Forward"/> last ran on into dL/dparameter, written over
    /// <paramref name="parameterGradient"/> (shaped like <see cref="Mlp{T}.Parameters"/>).
    /// </summary>
    public void Backward(ReadOnlySpan<T> logitGradient, Span<T> parameterGradient)
    {
        logitGradient.CopyTo(Unit(deltas, model.LayerCount, 0));
        for (var layer = model.LayerCount - 1; layer >= 0; layer--)
        {
            var weights = model.WeightsOf(model.Parameters, layer);
            var weightGradient = model.WeightsOf(parameterGradient, layer);
            var biasGradient = model.BiasesOf(parameterGradient, layer);
            var inputs = model.InputWidth(layer);
            var outputs = model.OutputWidth(layer);
            for (var unit = 0; unit < outputs; unit++)
            {
                var delta = Unit(deltas, layer + 1, unit);
                biasGradient[unit] = TensorPrimitives.Sum<T>(delta);
                for (var input = 0; input < inputs; input++)
                    weightGradient[(unit * inputs) + input] = TensorPrimitives.Dot<T>(delta, Unit(activations, layer, input));
            }

            // The inputs themselves need no gradient.
            if (layer == 0)
                break;
            for (var input = 0; input < inputs; input++)
            {
                var inputDelta = Unit(deltas, layer, input);
                inputDelta.Clear();
                for (var unit = 0; unit < outputs; unit++)
                    TensorPrimitives.MultiplyAdd(Unit(deltas, layer + 1, unit), weights[(unit * inputs) + input], inputDelta, inputDelta);
                ZeroWhereInactive(Unit(activations, layer, input), inputDelta);
            }
        }
    }

    /// <summary>The ReLU's derivative: no gradient passes where the unit's output is 0.</summary>
    private static void ZeroWhereInactive(ReadOnlySpan<T> activation, Span<T> gradient)
    {
        var i = 0;
        for (; i <= gradient.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var active = Vector.GreaterThan(new Vector<T>(activation[i..]), Vector<T>.Zero);
            Vector.ConditionalSelect(active, new Vector<T>(gradient[i..]), Vector<T>.Zero).CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            if (activation[i] <= T.Zero)
                gradient[i] = T.Zero;
        }
    }

    private Span<T> Unit(T[][] buffers, int layer, int unit) => buffers[layer].AsSpan(unit * Capacity, Count);
}
