using System.Runtime.InteropServices;

namespace FocalAot.Peers;

/// <summary>
/// Counts the heap memory of one call: the GC's count of managed allocations on every thread, plus the bytes of every
/// malloc-family call when the malloc counter (alloc_count.so, preloaded by run.py) is in the process.
/// </summary>
internal static unsafe class AllocationMeter
{
    // uint64_t alloc_count_bytes(void), exported by the preloaded counter: the bytes requested so far, all threads.
    // dlsym on the main program's handle searches the global scope, where LD_PRELOAD puts the counter.
    private static readonly delegate* unmanaged<ulong> NativeBytes =
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "alloc_count_bytes", out var address)
            ? (delegate* unmanaged<ulong>)address
            : null;

    /// <summary>Whether the malloc counter is in the process.</summary>
    public static bool CountsNativeMemory => NativeBytes != null;

    /// <summary>
    /// The bytes that one call of <paramref name="call"/> allocates, or null when <paramref name="allocatesNatively"/> and
    /// there is no malloc counter to see it. Managed allocations are counted on every thread (a peer's worker threads
    /// included), precisely; so are mallocs, which are counted for the whole process. The fewest bytes of three calls,
    /// each counted on its own, so that what another thread of the runtime happens to allocate meanwhile (the JIT's
    /// background compilations, a finalizer) is not charged to the peer: every call of these peers allocates the same.
    /// </summary>
    public static long? Measure(Func<float> call, bool allocatesNatively)
    {
        if (allocatesNatively && !CountsNativeMemory)
            return null;
        var fewest = long.MaxValue;
        for (var sample = 0; sample < 3; sample++)
            fewest = Math.Min(fewest, MeasureOnce(call));
        return fewest;
    }

    private static long MeasureOnce(Func<float> call)
    {
        var native = CountsNativeMemory ? NativeBytes() : 0;
        var managed = GC.GetTotalAllocatedBytes(precise: true);
        call();
        var managedBytes = GC.GetTotalAllocatedBytes(precise: true) - managed;
        var nativeBytes = CountsNativeMemory ? NativeBytes() - native : 0;
        return managedBytes + (long)nativeBytes;
    }
}
