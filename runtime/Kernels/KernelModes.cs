namespace FocalAot.Kernels;

/// <summary>What one kernel pass produces; the JIT removes the code a mode does not need.</summary>
internal interface IKernelMode
{
    static abstract bool ComputesLoss { get; }

    static abstract bool ComputesGradient { get; }

    /// <summary>The gradient is scaled per element by an upstream span (reduction none) instead of one scalar.</summary>
    static abstract bool ScalesByUpstreamSpan { get; }
}

internal readonly struct ForwardMode : IKernelMode
{
    public static bool ComputesLoss => true;

    public static bool ComputesGradient => false;

    public static bool ScalesByUpstreamSpan => false;
}

internal readonly struct BackwardMode : IKernelMode
{
    public static bool ComputesLoss => false;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => false;
}

internal readonly struct BackwardUpstreamMode : IKernelMode
{
    public static bool ComputesLoss => false;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => true;
}

internal readonly struct FusedMode : IKernelMode
{
    public static bool ComputesLoss => true;

    public static bool ComputesGradient => true;

    public static bool ScalesByUpstreamSpan => false;
}
