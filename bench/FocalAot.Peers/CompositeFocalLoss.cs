using System.Numerics.Tensors;

namespace FocalAot.Peers;

/// <summary>
/// Sigmoid focal loss (γ = 2, α = 0.25) and its gradient composed of <see cref="TensorPrimitives"/> operations in float32,
/// as a careful user would write it: the cross-entropy from the logits in its stable form, scratch arrays allocated once
/// and reused by every call. Single-threaded: TensorPrimitives has no threading of its own.
/// </summary>
internal sealed class CompositeFocalLoss
{
    private const float Gamma = 2f;
    private const float Alpha = 0.25f;

    private readonly float[] p;            // σ(x)
    private readonly float[] oneMinusP;    // 1 - p
    private readonly float[] oneMinusT;    // 1 - t
    private readonly float[] crossEntropy; // max(x, 0) - x t + log1p(exp(-|x|))
    private readonly float[] q;            // 1 - p_t
    private readonly float[] modulating;   // (1 - p_t)^γ
    private readonly float[] alphaT;       // α t + (1 - α)(1 - t)
    private readonly float[] scratch;
    private readonly float[] losses;
    private readonly float[] gradient;

    public CompositeFocalLoss(int n)
    {
        p = new float[n];
        oneMinusP = new float[n];
        oneMinusT = new float[n];
        crossEntropy = new float[n];
        q = new float[n];
        modulating = new float[n];
        alphaT = new float[n];
        scratch = new float[n];
        losses = new float[n];
        gradient = new float[n];
    }

    /// <summary>The per-element losses of the last call.</summary>
    public ReadOnlySpan<float> Losses => losses;

    /// <summary>The gradient of the last call made with a gradient.</summary>
    public ReadOnlySpan<float> Gradient => gradient;

    /// <summary>The mean loss.</summary>
    public float Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> t)
    {
        ComputeLosses(x, t);
        return TensorPrimitives.Sum(losses) / x.Length;
    }

    /// <summary>The mean loss and its gradient with respect to the logits (in <see cref="Gradient"/>).</summary>
    public float ForwardBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> t)
    {
        ComputeLosses(x, t);
        ComputeGradientOfSum(t);
        TensorPrimitives.Divide(gradient, (float)x.Length, gradient);
        return TensorPrimitives.Sum(losses) / x.Length;
    }

    /// <summary>The per-element losses and the gradient of their sum (in <see cref="Losses"/> and <see cref="Gradient"/>).</summary>
    public void LossesAndGradientOfSum(ReadOnlySpan<float> x, ReadOnlySpan<float> t)
    {
        ComputeLosses(x, t);
        ComputeGradientOfSum(t);
    }

    // loss = α_t (1 - p_t)^γ BCE, with p_t = p t + (1 - p)(1 - t).
    private void ComputeLosses(ReadOnlySpan<float> x, ReadOnlySpan<float> t)
    {
        TensorPrimitives.Sigmoid(x, p);
        TensorPrimitives.Subtract(1f, p, oneMinusP);
        TensorPrimitives.Subtract(1f, t, oneMinusT);

        // BCE from the logits, stably: max(x, 0) - x t + log1p(exp(-|x|)).
        TensorPrimitives.Abs(x, scratch);
        TensorPrimitives.Negate(scratch, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        TensorPrimitives.LogP1(scratch, scratch);
        TensorPrimitives.Max(x, 0f, crossEntropy);
        TensorPrimitives.Add(crossEntropy, scratch, crossEntropy);
        TensorPrimitives.Multiply(x, t, scratch);
        TensorPrimitives.Subtract(crossEntropy, scratch, crossEntropy);

        // 1 - p_t, and (1 - p_t)^γ as a product: γ = 2 is fixed, and a careful user does not call Pow for a square.
        TensorPrimitives.Multiply(p, t, scratch);
        TensorPrimitives.MultiplyAdd(oneMinusP, oneMinusT, scratch, scratch);
        TensorPrimitives.Subtract(1f, scratch, q);
        TensorPrimitives.Multiply(q, q, modulating);

        TensorPrimitives.Multiply(t, Alpha, alphaT);
        TensorPrimitives.MultiplyAdd(oneMinusT, 1f - Alpha, alphaT, alphaT);

        TensorPrimitives.Multiply(alphaT, modulating, losses);
        TensorPrimitives.Multiply(losses, crossEntropy, losses);
    }

    // dloss/dx = α_t [-γ (1 - p_t)^(γ-1) dp_t/dx BCE + (1 - p_t)^γ (p - t)], dp_t/dx = (2t - 1) p (1 - p); for γ = 2,
    // (1 - p_t)^(γ-1) is q itself. Reuses what ComputeLosses left in the scratch arrays.
    private void ComputeGradientOfSum(ReadOnlySpan<float> t)
    {
        // dp_t/dx in scratch.
        TensorPrimitives.Multiply(t, 2f, scratch);
        TensorPrimitives.Subtract(scratch, 1f, scratch);
        TensorPrimitives.Multiply(scratch, p, scratch);
        TensorPrimitives.Multiply(scratch, oneMinusP, scratch);

        // -γ q dp_t/dx BCE in scratch.
        TensorPrimitives.Multiply(scratch, q, scratch);
        TensorPrimitives.Multiply(scratch, crossEntropy, scratch);
        TensorPrimitives.Multiply(scratch, -Gamma, scratch);

        // + (1 - p_t)^γ (p - t), times α_t.
        TensorPrimitives.Subtract(p, t, gradient);
        TensorPrimitives.MultiplyAdd(gradient, modulating, scratch, gradient);
        TensorPrimitives.Multiply(gradient, alphaT, gradient);
    }
}
