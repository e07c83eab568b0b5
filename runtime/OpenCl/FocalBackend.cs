namespace FocalAot.OpenCl;

/// <summary>Where a call should run.</summary>
public enum FocalBackend
{
    /// <summary>The CPU (SIMD) path, <see cref="FocalAot.SigmoidFocalLoss"/>.</summary>
    Cpu,

    /// <summary>An OpenCL device: the one given, or the first of <see cref="OpenClDevices.All"/>.</summary>
    OpenCl,

    /// <summary>A device only where it wins: the data is already on it, or the call is at least its measured threshold.</summary>
    Auto,
}

/// <summary>What <see cref="FocalBackendSelector.Choose"/> decided, and why.</summary>
/// <param name="Backend"><see cref="FocalBackend.Cpu"/> or <see cref="FocalBackend.OpenCl"/>.</param>
/// <param name="Device">The device for <see cref="FocalBackend.OpenCl"/>, else null.</param>
/// <param name="Reason">A sentence saying why, for logs.</param>
public sealed record FocalBackendChoice(FocalBackend Backend, OpenClDevice? Device, string Reason);
