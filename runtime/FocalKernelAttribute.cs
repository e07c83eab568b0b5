namespace FocalAot;

/// <summary>Element types a generated kernel can be specialized for.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "IEEE 754 names the formats single and double.")]
public enum Precision
{
    /// <summary>float (32-bit).</summary>
    Single = 0,

    /// <summary>double (64-bit).</summary>
    Double = 1,
}

/// <summary>
/// Asks the FocalAot source generator for a sigmoid focal-loss kernel specialized for one γ and precision, as a
/// nested class of the (static partial) class it is put on: <c>[FocalKernel(2.0, Precision.Single)]</c> on
/// <c>MyKernels</c> gives <c>MyKernels.Gamma2.Forward / Backward / ForwardBackward</c> with the operations and
/// arguments of <see cref="SigmoidFocalLoss"/> (without γ), and <c>MyKernels.Gamma2.OpenClSingle</c>, the
/// kernel as OpenCL C, rendered from the same recipe. γ = 0 drops the modulating factor, an integer γ becomes multiplications, k + 1/2 a
/// square root and multiplications, any other γ exp(γ·log q) with γ a constant.
/// </summary>
/// <param name="gamma">The focusing parameter γ: finite, ≥ 0 and ≤ 10⁶.</param>
/// <param name="precision">The element type of the kernel's entry points.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FocalKernelAttribute(double gamma, Precision precision = Precision.Single) : Attribute
{
    /// <summary>The focusing parameter γ.</summary>
    public double Gamma { get; } = gamma;

    /// <summary>The element type of the kernel.</summary>
    public Precision Precision { get; } = precision;
}
