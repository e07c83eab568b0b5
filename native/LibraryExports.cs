using System.Runtime.InteropServices;

namespace FocalAot.Native;

/// <summary>Version, error, ISA and threading exports.</summary>
internal static unsafe class LibraryExports
{
    /// <summary>Bumped on any incompatible change of the C ABI (FOCAL_ABI_VERSION in focal_aot.h).</summary>
    private const int AbiVersion = 2;

    [UnmanagedCallersOnly(EntryPoint = "focal_abi_version")]
    public static int GetAbiVersion() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "focal_version")]
    public static byte* GetVersion()
    {
        // A UTF-8 literal lives in the image's read-only data: a static string the caller never frees.
        fixed (byte* version = "0.2.0\0"u8)
            return version;
    }

    /// <summary>This library's own variant (the ISA level it was compiled for), NUL-terminated, for the life of the process.</summary>
    private static readonly byte* VariantName = CopyToNative(BuildVariant.Name);

    [UnmanagedCallersOnly(EntryPoint = "focal_loaded_variant")]
    public static byte* GetLoadedVariant() => VariantName;

    private static byte* CopyToNative(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text + "\0");
        var copy = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(copy, bytes.Length));
        return copy;
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_last_error_message")]
    public static int GetLastErrorMessage(byte* buffer, nuint capacity, nuint* needed)
    {
        try
        {
            return LastError.CopyTo(buffer, capacity, needed);
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    /// <summary>The 0.2 entry (its callers' struct is the first layout): writes that much only.</summary>
    [UnmanagedCallersOnly(EntryPoint = "focal_options_init")]
    public static int InitializeOptions(FocalOptions* options) => InitializeOptions(options, FocalOptions.MinimumSize);

    [UnmanagedCallersOnly(EntryPoint = "focal_options_init_sized")]
    public static int InitializeOptionsSized(FocalOptions* options, nuint structSize) => InitializeOptions(options, structSize);

    private static int InitializeOptions(FocalOptions* options, nuint structSize)
    {
        if (options == null)
            return LastError.Fail(Status.NullPointer, "options is NULL but must point to a focal_options to initialize.");
        if (structSize < FocalOptions.MinimumSize)
        {
            return LastError.Fail(Status.InvalidArgument,
                $"struct_size = {structSize} is smaller than the smallest focal_options ({FocalOptions.MinimumSize} bytes).");
        }

        // Only the caller's struct is written: a program built against an older header has a shorter one.
        var known = Math.Min(structSize, (nuint)sizeof(FocalOptions)) / sizeof(long) * sizeof(long);
        var defaults = FocalOptions.Defaults with { StructSize = known };
        Buffer.MemoryCopy(&defaults, options, (long)known, (long)known);
        return (int)Status.Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_get_isa")]
    public static int GetIsa()
    {
        try
        {
            return (int)FocalRuntime.ActivePath;
        }
        catch (Exception exception)
        {
            LastError.Fail(exception);
            return -1;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_set_max_isa")]
    public static int SetMaxIsa(int isa)
    {
        try
        {
            if (!Enum.IsDefined((SimdPath)isa))
            {
                return LastError.Fail(Status.InvalidArgument,
                    $"isa = {isa} is not a FOCAL_ISA_* value (FOCAL_ISA_SCALAR 0 .. FOCAL_ISA_AVX512 3).");
            }

            if ((SimdPath)isa > FocalRuntime.DetectedPath)
            {
                return LastError.Fail(Status.Unsupported,
                    $"isa = {isa} ({(SimdPath)isa}) is above what this library and CPU run ({FocalRuntime.DetectedPath}).");
            }

            FocalRuntime.ActivePath = (SimdPath)isa;
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_set_num_threads")]
    public static int SetNumThreads(int threads)
    {
        try
        {
            if (threads < 0)
            {
                return LastError.Fail(Status.InvalidArgument,
                    $"threads = {threads} must be >= 1, or 0 for one thread per processor.");
            }

            FocalRuntime.MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads;
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }
}
