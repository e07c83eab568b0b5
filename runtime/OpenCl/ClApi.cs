using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// The process's OpenCL entry points (Silk.NET loads libOpenCL once), and the check every call goes through.
/// </summary>
internal static class ClApi
{
    private static readonly Lock LoadLock = new();
    private static CL? api;
    private static string? loadFailure;

    /// <summary>The loaded API, or null when no OpenCL library could be loaded (or none was tried yet).</summary>
    public static CL? Instance => Volatile.Read(ref api);

    /// <summary>Loads the API once; null and the reason when the library is missing or unusable.</summary>
    public static CL? TryLoad(out string failure)
    {
        lock (LoadLock)
        {
            if (api is null && loadFailure is null)
            {
                try
                {
                    api = CL.GetApi();
                }
#pragma warning disable CA1031 // No OpenCL library (or a broken one) means no devices, never an exception.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    loadFailure = $"no OpenCL library could be loaded ({exception.GetType().Name}: {exception.Message})";
                }
            }

            failure = loadFailure ?? string.Empty;
            return api;
        }
    }

    /// <summary>The loaded API (for objects that exist only after a successful load).</summary>
    public static CL Loaded => Instance ?? throw new InvalidOperationException("OpenCL is not loaded.");

    /// <summary>Throws <see cref="OpenClException"/> naming the call when <paramref name="status"/> is not CL_SUCCESS.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new OpenClException(call, status);
    }
}
