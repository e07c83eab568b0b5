namespace FocalAot;

/// <summary>
/// The layout of softmax logits: [N, C] rows (an <see cref="int"/> C converts to it), or [N, C, S] with the classes of
/// a position S apart, torch's (N, C, d1, ...) layout for segmentation with S = d1·d2·…. Each of the N·S positions is
/// one sample: its class index (or probabilities), weight, loss and upstream gradient are at n·S + s (probabilities
/// and the gradient at the logits' positions).
/// </summary>
/// <param name="Classes">C, the number of classes (≥ 1).</param>
/// <param name="Spatial">S, the positions per sample (≥ 1; 1 for [N, C]).</param>
public readonly record struct SoftmaxShape(int Classes, int Spatial = 1)
{
    /// <summary>[N, C] rows of <paramref name="classes"/> logits.</summary>
    /// <param name="classes">C.</param>
    public static implicit operator SoftmaxShape(int classes) => new(classes);

    /// <summary>[N, C] rows of <paramref name="classes"/> logits.</summary>
    /// <param name="classes">C.</param>
    /// <returns>The shape.</returns>
    public static SoftmaxShape FromInt32(int classes) => new(classes);

    /// <summary>C·S, the logits of one sample n.</summary>
    internal long SampleLength => (long)Classes * Spatial;
}
