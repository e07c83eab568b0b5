using System.Runtime.InteropServices;
using Silk.NET.Core.Contexts;
using Silk.NET.Core.Loader;
using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// The process's OpenCL entry points (the OpenCL ICD loader, loaded once), and the check every call goes through.
/// </summary>
/// <remarks>
/// The library is loaded here, by name through <see cref="NativeLibrary"/>, and handed to Silk.NET's bindings as a
/// native context. Silk.NET's own <c>CL.GetApi()</c> resolves paths through deps.json and assembly locations, code that
/// every trimmed or NativeAOT app referencing FocalAot would otherwise compile, with single-file warnings (IL3000,
/// IL3002) it cannot act on; an ICD loader is a system library, found by name.
/// </remarks>
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
                    if (TryLoadLibrary() is { } library)
                        api = new CL(new LibraryContext(library));
                    else
                        loadFailure = $"no OpenCL library could be loaded (tried {string.Join(", ", LibraryNames())})";
                }
#pragma warning disable CA1031 // A broken OpenCL library means no devices, never an exception.
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

    /// <summary>The names the OpenCL ICD loader has on this platform, the versioned one first.</summary>
    private static string[] LibraryNames()
    {
        if (OperatingSystem.IsWindows())
            return ["OpenCL.dll"];
        if (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsMacCatalyst())
            return ["/System/Library/Frameworks/OpenCL.framework/OpenCL"];
        return ["libOpenCL.so.1", "libOpenCL.so"];
    }

    /// <summary>The first of <see cref="LibraryNames"/> that loads (system search, then the app's folder), or null.</summary>
    private static nint? TryLoadLibrary()
    {
        var names = LibraryNames();
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
                return handle;
        }

        foreach (var name in names)
        {
            var local = Path.Combine(AppContext.BaseDirectory, name);
            if (!Path.IsPathRooted(name) && File.Exists(local) && NativeLibrary.TryLoad(local, out var handle))
                return handle;
        }

        return null;
    }

    /// <summary>Entry points of the loaded OpenCL library, for Silk.NET's <see cref="CL"/>. The library stays loaded for the
    /// life of the process, as the API that uses it does.</summary>
    private sealed class LibraryContext(nint library) : INativeContext
    {
        public nint GetProcAddress(string proc, int? slot = default)
            => NativeLibrary.TryGetExport(library, proc, out var address) ? address : throw new SymbolLoadingException(proc);

        public bool TryGetProcAddress(string proc, out nint addr, int? slot = default) => NativeLibrary.TryGetExport(library, proc, out addr);

        public void Dispose()
        {
        }
    }
}
