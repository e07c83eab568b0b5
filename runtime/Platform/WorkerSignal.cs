using System.Runtime.InteropServices;

namespace FocalAot.Platform;

/// <summary>
/// The counting semaphore the worker pool parks its threads on and waits for them with, safe across <c>fork()</c>.
/// </summary>
/// <remarks>
/// A <c>fork()</c> copies every lock as it was, held or not, and only the forking thread survives. On Linux this is a
/// POSIX semaphore: posting and waiting are an atomic and a futex, with no lock a parent thread could have held. A
/// <see cref="SemaphoreSlim"/> blocks in <see cref="Monitor.Wait(object)"/>, which runs runtime code under locks (class
/// constructors on first use, the table of condition variables): children of Python's multiprocessing found Monitor's
/// class constructor unfinished at their first pooled call and waited forever for its lock. Elsewhere (Windows has no
/// fork; macOS processes spawn) it is a <see cref="SemaphoreSlim"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as its pool, like the threads.")]
internal sealed unsafe partial class WorkerSignal
{
    /// <summary>sem_t is 32 bytes with glibc and musl on 64-bit Linux; the allocation leaves room to spare.</summary>
    private const nuint SemaphoreBytes = 64;

    /// <summary>Tries before blocking: the parts of a call end within microseconds, and waking a thread costs more.</summary>
    private const int SpinTries = 64;

    private const int SpinIterations = 16;

    private const int Interrupted = 4;  // EINTR

    private readonly void* semaphore;
    private readonly SemaphoreSlim? portable;

    public WorkerSignal()
    {
        if (!OperatingSystem.IsLinux())
        {
            portable = new SemaphoreSlim(0);
            return;
        }

        // Never freed: a pool lives as long as its process, like its threads.
        semaphore = NativeMemory.AlignedAlloc(SemaphoreBytes, SemaphoreBytes);
        NativeMemory.Clear(semaphore, SemaphoreBytes);
        if (SemaphoreInit(semaphore, 0, 0) != 0)
            throw new InvalidOperationException($"sem_init failed (errno {Marshal.GetLastPInvokeError()}).");

        // Every entry point once, on the thread that makes the pool: resolving an import takes the loader's locks,
        // which a worker must not hold when its process forks.
        if (SemaphoreTryWait(semaphore) == 0)
            throw new InvalidOperationException("A new semaphore had a count.");
        Release();
        WaitBlocking();
        Thread.SpinWait(SpinIterations);
    }

    /// <summary>Adds one to the count, waking one waiting thread.</summary>
    public void Release()
    {
        if (portable is not null)
        {
            portable.Release();
            return;
        }

        if (SemaphorePost(semaphore) != 0)
            throw new InvalidOperationException($"sem_post failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Waits until the count is positive, then takes one.</summary>
    public void Wait()
    {
        if (portable is not null)
        {
            portable.Wait();
            return;
        }

        for (var spin = 0; spin < SpinTries; spin++)
        {
            if (SemaphoreTryWait(semaphore) == 0)
                return;
            Thread.SpinWait(SpinIterations);
        }

        WaitBlocking();
    }

    private void WaitBlocking()
    {
        while (SemaphoreWait(semaphore) != 0)
        {
            // A signal handler may interrupt the wait; anything else is a broken semaphore.
            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
                throw new InvalidOperationException($"sem_wait failed (errno {error}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "sem_init", SetLastError = true)]
    private static partial int SemaphoreInit(void* semaphore, int shared, uint value);

    [LibraryImport("libc", EntryPoint = "sem_post", SetLastError = true)]
    private static partial int SemaphorePost(void* semaphore);

    [LibraryImport("libc", EntryPoint = "sem_wait", SetLastError = true)]
    private static partial int SemaphoreWait(void* semaphore);

    [LibraryImport("libc", EntryPoint = "sem_trywait")]
    private static partial int SemaphoreTryWait(void* semaphore);
}
