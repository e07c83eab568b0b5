namespace FocalAot.Demo;

/// <summary>
/// A trained model, its last epoch's mean training loss, and its timings: seconds per epoch inside the loss kernel's
/// calls and in the whole training steps (sampling, forward, kernel, backward, optimizer), each the median over the
/// epochs, so an epoch the OS preempted does not skew it, and the kernel's time in its fastest epoch.
/// </summary>
/// <param name="Model">The trained model.</param>
/// <param name="FinalLoss">The mean training loss of the last epoch (the method's own loss).</param>
/// <param name="KernelSecondsPerEpoch">Time inside <c>SigmoidFocalLoss.ForwardBackward</c> per epoch.</param>
/// <param name="FastestKernelSecondsPerEpoch">
/// The same in the epoch where it was least: the estimate of the kernel's own cost that a busy machine disturbs least,
/// for comparing kernels run one after the other.
/// </param>
/// <param name="StepSecondsPerEpoch">Time in the training steps per epoch.</param>
/// <param name="SamplesPerEpoch">The samples (kernel elements) of one epoch.</param>
internal sealed record TrainingResult(
    Mlp<float> Model, double FinalLoss, double KernelSecondsPerEpoch, double FastestKernelSecondsPerEpoch, double StepSecondsPerEpoch,
    int SamplesPerEpoch)
{
    /// <summary>The kernel's time per element, in nanoseconds.</summary>
    public double KernelNanosecondsPerElement => KernelSecondsPerEpoch * 1e9 / SamplesPerEpoch;

    /// <summary>The kernel's time per element in its fastest epoch, in nanoseconds.</summary>
    public double FastestKernelNanosecondsPerElement => FastestKernelSecondsPerEpoch * 1e9 / SamplesPerEpoch;

    /// <summary>The whole step's time per sample, in nanoseconds.</summary>
    public double StepNanosecondsPerSample => StepSecondsPerEpoch * 1e9 / SamplesPerEpoch;
}
