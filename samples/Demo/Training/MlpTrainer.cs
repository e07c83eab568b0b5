using System.Diagnostics;

namespace FocalAot.Demo;

/// <summary>
/// Mini-batch training of an <see cref="Mlp{T}"/> with Adam. Every batch's loss and dL/dlogit come from one
/// <see cref="SigmoidFocalLoss.ForwardBackward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, FocalLossOptions{T})"/>
/// call with the method's options; the MLP's backward pass carries the gradient to the weights.
/// </summary>
internal static class MlpTrainer
{
    /// <summary>Trains a new model with <paramref name="method"/>.</summary>
    /// <param name="data">The training set (resampled as the method says).</param>
    /// <param name="method">The loss and the remedy for imbalance.</param>
    /// <param name="settings">Shape, epochs, batch size, learning rate.</param>
    /// <param name="seed">Seeds the initial weights, the resampling and the batch order.</param>
    /// <param name="epochCompleted">Called after each epoch with its 1-based number and mean training loss.</param>
    public static TrainingResult Train(
        Dataset data, TrainingMethod method, TrainingSettings settings, int seed, Action<int, double>? epochCompleted = null)
    {
        var model = new Mlp<float>(data.FeatureCount, settings.HiddenWidths, seed);
        var random = new Random(seed);
        var classWeights = ClassWeights.For(method.Weighting, data.NegativeCount, data.PositiveCount);
        var sampler = new BatchSampler(Resampling.TrainingPool(data, method.Resampling, random), random);
        var step = new TrainingStep(model, method, classWeights, settings);
        step.WarmUp(data.Count % settings.BatchSize);

        var kernelSeconds = new double[settings.Epochs];
        var stepSeconds = new double[settings.Epochs];
        var epochLoss = double.NaN;
        var batch = new int[settings.BatchSize];
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            double lossSum = 0;
            long kernelTicks = 0, stepTicks = 0;

            // Every method draws as many samples per epoch as the training set holds, so all make the same number of
            // updates whatever their resampling did to the pool's size.
            for (var done = 0; done < data.Count; done += settings.BatchSize)
            {
                var indices = batch.AsSpan(0, Math.Min(settings.BatchSize, data.Count - done));
                var started = Stopwatch.GetTimestamp();
                sampler.Fill(indices);
                var (loss, ticksInKernel) = step.Run(data, indices);
                stepTicks += Stopwatch.GetTimestamp() - started;
                kernelTicks += ticksInKernel;
                lossSum += loss * indices.Length;
            }

            kernelSeconds[epoch] = (double)kernelTicks / Stopwatch.Frequency;
            stepSeconds[epoch] = (double)stepTicks / Stopwatch.Frequency;
            epochLoss = lossSum / data.Count;
            epochCompleted?.Invoke(epoch + 1, epochLoss);
        }

        return new TrainingResult(model, epochLoss, Median.Of(kernelSeconds), kernelSeconds.Min(), Median.Of(stepSeconds), data.Count);
    }
}
