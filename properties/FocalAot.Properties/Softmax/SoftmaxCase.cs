using System.Globalization;
using FocalAot.Properties.Reference;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// One softmax call's inputs in double (every value representable in float): logits [Rows, Classes], class-index
/// targets or target probabilities, and the options. <see cref="Expected()"/> evaluates the float64 reference.
/// </summary>
public sealed record SoftmaxCase(
    int Classes,
    double[] Logits,
    long[]? Indices,
    double[]? Probabilities,
    double Gamma,
    double Alpha,
    double[]? ClassAlpha,
    double[]? Weights,
    double LabelSmoothing,
    long IgnoreIndex)
{
    public int Rows => Logits.Length / Classes;

    /// <summary>Poly-1's ε (0: the focal loss alone).</summary>
    public double PolyEpsilon { get; init; }

    /// <summary>FLSD-53: γ = 5 for a class with p &lt; 0.2, else 3 (<see cref="Gamma"/> is then not passed).</summary>
    public bool SampleDependentGamma { get; init; }

    /// <summary>The reference loss and gradient of each row, and each gradient element's error scale (ignored rows 0).</summary>
    public (double[] Losses, double[] Gradient, double[] Scale) Expected() => Expected(out _);

    /// <summary>The same, and each row loss's error scale (the sum of its terms' magnitudes).</summary>
    public (double[] Losses, double[] Gradient, double[] Scale) Expected(out double[] lossScales)
    {
        lossScales = new double[Rows];
        var poly = new double[Classes];
        var losses = new double[Rows];
        var gradient = new double[Logits.Length];
        var scale = new double[Logits.Length];
        var mass = new double[Classes];
        for (var row = 0; row < Rows; row++)
        {
            var weight = Weights?[row] ?? 1.0;
            if ((Indices is not null && Indices[row] == IgnoreIndex) || weight == 0)
                continue;
            for (var c = 0; c < Classes; c++)
            {
                var y = Indices is not null ? (Indices[row] == c ? 1.0 : 0.0) : Probabilities![(row * Classes) + c];
                var alpha = ClassAlpha?[c] ?? (Alpha < 0 ? 1.0 : Alpha);
                mass[c] = weight * alpha * (((1 - LabelSmoothing) * y) + (LabelSmoothing / Classes));
                poly[c] = weight * PolyEpsilon * (((1 - LabelSmoothing) * y) + (LabelSmoothing / Classes));
            }

            var (loss, rowGradient, rowScale) = SoftmaxFocalReference.Row(
                Logits.AsSpan(row * Classes, Classes), mass, SampleDependentGamma ? double.NaN : Gamma, poly, out lossScales[row]);
            losses[row] = loss;
            rowGradient.CopyTo(gradient, row * Classes);
            rowScale.CopyTo(scale, row * Classes);
        }

        return (losses, gradient, scale);
    }

    /// <summary>The options of this case for element type <typeparamref name="T"/>.</summary>
    public FocalLossOptions<T> Options<T>(FocalReduction reduction, ReadOnlySpan<T> weights)
        where T : unmanaged
    {
        // FLSD-53 takes no γ: it is set only for the other cases.
        var options = new FocalLossOptions<T>
        {
            SampleDependentGamma = SampleDependentGamma,
            Alpha = Alpha,
            ClassAlpha = ClassAlpha,
            Weights = weights,
            LabelSmoothing = LabelSmoothing,
            PolyEpsilon = PolyEpsilon,
            IgnoreIndex = IgnoreIndex,
            Reduction = reduction,
        };
        return SampleDependentGamma ? options : options with { Gamma = Gamma };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"N={Rows} C={Classes} γ={(SampleDependentGamma ? "FLSD-53" : Gamma)} α={Alpha} " +
        $"classAlpha={ClassAlpha is not null} weights={Weights is not null} " +
        $"ε={LabelSmoothing} poly={PolyEpsilon} targets={(Indices is null ? "soft" : "index")} " +
        $"logits=[{string.Join(", ", Logits.Take(24))}] " +
        $"indices=[{string.Join(", ", Indices?.Take(8) ?? [])}]");
}
