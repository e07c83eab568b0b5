using System.Diagnostics;

namespace FocalAot.Demo;

/// <summary>How long and how fast to train.</summary>
internal sealed record TrainingSettings(int Epochs, int BatchSize, float LearningRate);

/// <summary>
/// A trained model, its last epoch's mean training loss, and the loss kernel's throughput: elements per second of
/// time inside the kernel calls, the median over epochs, so an epoch the OS preempted does not skew it.
/// </summary>
internal sealed record TrainingResult(LogisticRegression Model, double FinalLoss, double KernelElementsPerSecond);

/// <summary>
/// Mini-batch gradient descent for logistic regression. The loss and its gradient with respect to the logits come
/// from one fused kernel call per batch; the chain rule through logit = w·x + b then gives dL/dw = Xᵀg and
/// dL/db = Σg.
/// </summary>
internal static class LogisticRegressionTrainer
{
    /// <param name="data">The training samples.</param>
    /// <param name="loss">The kernel's γ and α.</param>
    /// <param name="settings">Epochs, batch size and learning rate.</param>
    /// <param name="epochCompleted">Called after each epoch with its 1-based number and mean training loss.</param>
    public static TrainingResult Train(
        Dataset data, LossFunction loss, TrainingSettings settings, Action<int, double> epochCompleted)
    {
        var model = new LogisticRegression(data.FeatureCount);
        var logits = new float[settings.BatchSize];
        var gradient = new float[settings.BatchSize];
        var weightGradient = new float[data.FeatureCount];
        var kernelSecondsPerEpoch = new double[settings.Epochs];
        var epochLoss = double.NaN;
        WarmUpKernel(data, loss, settings.BatchSize);

        for (var epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var lossSum = 0.0;
            var kernelTicks = 0L;

            // The samples are drawn i.i.d., so consecutive batches are already random ones: no shuffling needed.
            for (var first = 0; first < data.Count; first += settings.BatchSize)
            {
                var size = Math.Min(settings.BatchSize, data.Count - first);
                var batchLogits = logits.AsSpan(0, size);
                var batchGradient = gradient.AsSpan(0, size);
                model.ComputeLogits(data, first, batchLogits);

                var started = Stopwatch.GetTimestamp();
                var batchLoss = SigmoidFocalLoss.ForwardBackward(
                    batchLogits, data.Labels.AsSpan(first, size), batchGradient, loss.MeanOptions);
                kernelTicks += Stopwatch.GetTimestamp() - started;

                // Weight the batch mean by its size so a short last batch counts for what it holds.
                lossSum += (double)batchLoss * size;
                Step(model, data, first, batchGradient, weightGradient, settings.LearningRate);
            }

            kernelSecondsPerEpoch[epoch - 1] = (double)kernelTicks / Stopwatch.Frequency;
            epochLoss = lossSum / data.Count;
            epochCompleted(epoch, epochLoss);
        }

        return new TrainingResult(model, epochLoss, data.Count / Median(kernelSecondsPerEpoch));
    }

    /// <summary>
    /// Runs the kernel untimed on each batch length an epoch uses (full batches and the shorter last one): the first
    /// call of a code path pays for its JIT compilation, which is not the kernel's throughput.
    /// </summary>
    private static void WarmUpKernel(Dataset data, LossFunction loss, int batchSize)
    {
        var fullBatch = Math.Min(batchSize, data.Count);
        var lastBatch = data.Count % batchSize;
        var logits = new float[fullBatch];
        var gradient = new float[fullBatch];
        foreach (var size in new[] { fullBatch, lastBatch }.Where(size => size > 0))
        {
            SigmoidFocalLoss.ForwardBackward(
                logits.AsSpan(0, size), data.Labels.AsSpan(0, size), gradient.AsSpan(0, size), loss.MeanOptions);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>One gradient-descent update from the kernel's dL/dlogit (already divided by the batch size).</summary>
    private static void Step(
        LogisticRegression model, Dataset data, int first, ReadOnlySpan<float> logitGradient,
        Span<float> weightGradient, float learningRate)
    {
        weightGradient.Clear();
        var biasGradient = 0f;
        for (var i = 0; i < logitGradient.Length; i++)
        {
            var g = logitGradient[i];
            var row = data.Row(first + i);
            for (var j = 0; j < row.Length; j++)
                weightGradient[j] += g * row[j];
            biasGradient += g;
        }

        for (var j = 0; j < weightGradient.Length; j++)
            model.Weights[j] -= learningRate * weightGradient[j];
        model.Bias -= learningRate * biasGradient;
    }
}
