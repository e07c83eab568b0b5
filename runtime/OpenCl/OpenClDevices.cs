using System.Text;
using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// The OpenCL devices of this machine. Discovery runs once, on first use, one thread at a time (PoCL's first
/// discovery is not thread-safe), and never throws: no OpenCL library, platform or device means an empty list, with
/// the reason in <see cref="UnavailableReason"/>.
/// </summary>
public static unsafe class OpenClDevices
{
    private static readonly Lazy<(IReadOnlyList<OpenClDevice> Devices, string Reason)> Discovered =
        new(Discover, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every device of every platform, in platform order.</summary>
    public static IReadOnlyList<OpenClDevice> All => Discovered.Value.Devices;

    /// <summary>Why <see cref="All"/> is empty, or an empty string when there are devices.</summary>
    public static string UnavailableReason => Discovered.Value.Reason;

    private static (IReadOnlyList<OpenClDevice>, string) Discover()
    {
        var api = ClApi.TryLoad(out var failure);
        if (api is null)
            return ([], failure);

        try
        {
            uint platformCount;
            if (api.GetPlatformIDs(0, null, &platformCount) != 0 || platformCount == 0)
                return ([], "no OpenCL platform is installed (e.g. Debian's pocl-opencl-icd for the CPU)");

            var platforms = new nint[platformCount];
            fixed (nint* p = platforms)
                ClApi.Check(api.GetPlatformIDs(platformCount, p, null), "clGetPlatformIDs");

            var devices = new List<OpenClDevice>();
            foreach (var platform in platforms)
            {
                uint count;
                if (api.GetDeviceIDs(platform, DeviceType.All, 0, null, &count) != 0 || count == 0)
                    continue;
                var ids = new nint[count];
                fixed (nint* p = ids)
                {
                    if (api.GetDeviceIDs(platform, DeviceType.All, count, p, null) != 0)
                        continue;
                }

                foreach (var id in ids)
                {
                    var extensions = Info(api, id, DeviceInfo.Extensions);
                    devices.Add(new OpenClDevice(devices.Count, id, Info(api, id, DeviceInfo.Name), Info(api, id, DeviceInfo.Vendor),
                        Info(api, id, DeviceInfo.Version), extensions.Contains("cl_khr_fp64", StringComparison.Ordinal)));
                }
            }

            return devices.Count == 0 ? ([], "the OpenCL platforms have no device") : (devices, string.Empty);
        }
#pragma warning disable CA1031 // A broken driver means no devices, never an exception.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return ([], $"OpenCL discovery failed ({exception.GetType().Name}: {exception.Message})");
        }
    }

    internal static string Info(CL api, nint device, DeviceInfo info)
    {
        nuint size;
        if (api.GetDeviceInfo(device, info, 0, null, &size) != 0 || size == 0)
            return string.Empty;
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            if (api.GetDeviceInfo(device, info, size, p, null) != 0)
                return string.Empty;
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }
}
