namespace FocalAot.Demo;

/// <summary>How a model is trained: its shape, the epochs, the batches and Adam's learning rate.</summary>
/// <param name="Epochs">Epochs; each draws as many samples as the training set holds, whatever the resampling.</param>
/// <param name="BatchSize">Samples per mini-batch.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="HiddenWidths">The width of each hidden layer; empty for logistic regression.</param>
internal sealed record TrainingSettings(int Epochs, int BatchSize, float LearningRate, IReadOnlyList<int> HiddenWidths)
{
    /// <summary>
    /// Batches of 512: about five minority samples each at 1:100, and long enough vectors for the batch's
    /// unit-major passes; under the kernel's parallel threshold, so every kernel call runs on the calling thread.
    /// </summary>
    public const int DefaultBatchSize = 512;

    /// <summary>The demo's and the study's MLP: two ReLU layers of 32 and 16 units.</summary>
    public static IReadOnlyList<int> DefaultHiddenWidths { get; } = [32, 16];

    /// <summary>The MLP with the default batch size and learning rate.</summary>
    public static TrainingSettings Mlp(int epochs) => new(epochs, DefaultBatchSize, 3e-3f, DefaultHiddenWidths);

    /// <summary>Logistic regression (no hidden layer), trained the same way.</summary>
    public static TrainingSettings Linear(int epochs) => Mlp(epochs) with { HiddenWidths = [] };
}
