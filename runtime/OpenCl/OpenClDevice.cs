namespace FocalAot.OpenCl;

/// <summary>An OpenCL device found by <see cref="OpenClDevices"/>.</summary>
public sealed class OpenClDevice
{
    internal OpenClDevice(int index, nint id, string name, string vendor, string version, bool supportsFp64)
    {
        Index = index;
        Id = id;
        Name = name;
        Vendor = vendor;
        Version = version;
        SupportsFp64 = supportsFp64;
    }

    /// <summary>The device's position in <see cref="OpenClDevices.All"/> (stable for the process).</summary>
    public int Index { get; }

    /// <summary>CL_DEVICE_NAME.</summary>
    public string Name { get; }

    /// <summary>CL_DEVICE_VENDOR.</summary>
    public string Vendor { get; }

    /// <summary>CL_DEVICE_VERSION, e.g. "OpenCL 1.2 PoCL".</summary>
    public string Version { get; }

    /// <summary>
    /// Whether the device has cl_khr_fp64: double storage, a generic γ in float, and sums in double (bit-identical to
    /// the CPU) need it.
    /// </summary>
    public bool SupportsFp64 { get; }

    internal nint Id { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Vendor}, {Version}{(SupportsFp64 ? ", fp64" : string.Empty)})";
}
