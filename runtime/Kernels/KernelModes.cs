namespace FocalAot.Kernels;

/// <summary>What one kernel pass produces; the JIT removes the code a mode does not need.</summary>
internal interface IKernelMode
{
    static abstract bool ComputesLoss { get; }

    static abstract bool ComputesGradient { get; }

    /// <summary>The gradient is scaled per element by an upstream span (reduction none) instead of one scalar.</summary>
    static abstract bool ScalesByUpstreamSpan { get; }

    /// <summary>
    /// α varies per class or elements carry weights: the class weights come from per-element buffers. Only these modes
    /// compute Poly-1's term.
    /// </summary>
    static abstract bool PerElementWeights { get; }
}

internal readonly struct ForwardMode : IKernelMode
{
    public static bool ComputesLoss => true;

    public static bool ComputesGradient => false;

    public static bool ScalesByUpstreamSpan => false;

    public static bool PerElementWeights => false;
}

internal readonly struct BackwardMode : IKernelMode
{
    public static bool ComputesLoss => false;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => false;

    public static bool PerElementWeights => false;
}

internal readonly struct BackwardUpstreamMode : IKernelMode
{
    public static bool ComputesLoss => false;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => true;

    public static bool PerElementWeights => false;
}

internal readonly struct FusedMode : IKernelMode
{
    public static bool ComputesLoss => true;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => false;

    public static bool PerElementWeights => false;
}

/// <summary><typeparamref name="TMode"/> with per-class α, per-element weights or Poly-1's term: a separate
/// instantiation, so the plain kernels keep their code.</summary>
internal readonly struct Weighted<TMode> : IKernelMode
    where TMode : struct, IKernelMode
{
    public static bool ComputesLoss => TMode.ComputesLoss;

    public static bool ComputesGradient => TMode.ComputesGradient;

    public static bool ScalesByUpstreamSpan => TMode.ScalesByUpstreamSpan;

    public static bool PerElementWeights => true;
}
