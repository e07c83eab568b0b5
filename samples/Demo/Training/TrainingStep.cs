using System.Diagnostics;

namespace FocalAot.Demo;

/// <summary>
/// One optimizer step on one mini-batch: load, forward, the loss kernel, backward, Adam. Holds the batch's buffers,
/// so steps allocate nothing.
/// </summary>
internal sealed class TrainingStep
{
    private readonly Mlp<float> model;
    private readonly TrainingMethod method;
    private readonly ClassWeights classWeights;
    private readonly MlpPass<float> pass;
    private readonly AdamOptimizer optimizer;
    private readonly float[] targets;
    private readonly float[] weights;
    private readonly float[] logitGradient;
    private readonly float[] parameterGradient;

    /// <summary>Buffers for batches of up to <see cref="TrainingSettings.BatchSize"/> samples.</summary>
    public TrainingStep(Mlp<float> model, TrainingMethod method, ClassWeights classWeights, TrainingSettings settings)
    {
        this.model = model;
        this.method = method;
        this.classWeights = classWeights;
        pass = new MlpPass<float>(model, settings.BatchSize);
        optimizer = new AdamOptimizer(model.Parameters.Length, settings.LearningRate);
        targets = new float[settings.BatchSize];
        weights = new float[settings.BatchSize];
        logitGradient = new float[settings.BatchSize];
        parameterGradient = new float[model.Parameters.Length];
    }

    /// <summary>
    /// Trains on the samples at <paramref name="indices"/>; returns the batch's mean loss before the update and the
    /// stopwatch ticks spent in the kernel.
    /// </summary>
    public (double Loss, long KernelTicks) Run(Dataset data, ReadOnlySpan<int> indices)
    {
        var count = indices.Length;
        pass.Load(data, indices);
        for (var k = 0; k < count; k++)
        {
            var label = data.Labels[indices[k]];
            targets[k] = label;
            weights[k] = (float)classWeights.Of(label);
        }

        var logits = pass.Forward();
        var started = Stopwatch.GetTimestamp();
        var loss = SigmoidFocalLoss.ForwardBackward(
            logits, targets.AsSpan(0, count), logitGradient.AsSpan(0, count), method.KernelOptions(BatchWeights(count)));
        var kernelTicks = Stopwatch.GetTimestamp() - started;

        pass.Backward(logitGradient.AsSpan(0, count), parameterGradient);
        optimizer.Step(model.Parameters, parameterGradient);
        return (loss, kernelTicks);
    }

    /// <summary>
    /// Runs the kernel untimed on a full batch and on one of <paramref name="lastBatchSize"/> (0: none): the first
    /// call of a code path pays for its JIT compilation, which is not the kernel's cost.
    /// </summary>
    public void WarmUp(int lastBatchSize)
    {
        foreach (var size in new[] { targets.Length, lastBatchSize }.Where(size => size > 0))
        {
            SigmoidFocalLoss.ForwardBackward<float>(
                new float[size], targets.AsSpan(0, size), logitGradient.AsSpan(0, size), method.KernelOptions(BatchWeights(size)));
        }
    }

    /// <summary>The batch's per-element weights, or none where the method weighs nothing.</summary>
    private Span<float> BatchWeights(int count) => method.Weighting == ClassWeighting.None ? [] : weights.AsSpan(0, count);
}
