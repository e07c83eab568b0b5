using System.Numerics.Tensors;

namespace FocalAot.Demo;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) over a flat parameter vector. Its step size does not depend on the scale of the
/// gradient, so losses whose gradients differ by orders of magnitude (focal loss shrinks them, class weights grow
/// them) train at the same pace and are compared on where they lead rather than on how fast.
/// </summary>
internal sealed class AdamOptimizer
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;

    private readonly float[] firstMoment;
    private readonly float[] secondMoment;
    private readonly float[] scratch;
    private readonly float learningRate;
    private int steps;

    /// <summary>An optimizer for <paramref name="parameterCount"/> parameters.</summary>
    public AdamOptimizer(int parameterCount, float learningRate)
    {
        firstMoment = new float[parameterCount];
        secondMoment = new float[parameterCount];
        scratch = new float[parameterCount];
        this.learningRate = learningRate;
    }

    /// <summary>Moves <paramref name="parameters"/> one step against <paramref name="gradient"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        steps++;
        TensorPrimitives.Multiply(firstMoment, Beta1, firstMoment);
        TensorPrimitives.MultiplyAdd(gradient, 1 - Beta1, firstMoment, firstMoment);
        TensorPrimitives.Multiply(gradient, gradient, scratch);
        TensorPrimitives.Multiply(secondMoment, Beta2, secondMoment);
        TensorPrimitives.MultiplyAdd(scratch, 1 - Beta2, secondMoment, secondMoment);

        // The bias corrections of both moments folded into the step size (the paper's efficient form).
        var stepSize = learningRate * Math.Sqrt(1 - Math.Pow(Beta2, steps)) / (1 - Math.Pow(Beta1, steps));
        TensorPrimitives.Sqrt(secondMoment, scratch);
        TensorPrimitives.Add(scratch, Epsilon, scratch);
        TensorPrimitives.Divide(firstMoment, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, (float)-stepSize, parameters, parameters);
    }
}
