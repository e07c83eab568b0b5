using System.Runtime.ExceptionServices;
using FocalAot.Platform;

namespace FocalAot.Drivers;

/// <summary>Work split into independent parts, each run once.</summary>
internal interface IPartitionedWork
{
    void Execute(int part);
}

/// <summary>
/// Persistent worker threads for the kernels: a call hands out its parts without allocating (unlike
/// Parallel.For), and the calling thread runs part 0 itself. When another call already holds the pool,
/// the second call runs all its parts on its own thread; results are the same either way.
/// </summary>
/// <remarks>
/// A pool belongs to the process that made it. After <c>fork()</c> the child has none of the parent's worker
/// threads (only the forking thread survives), so <see cref="Current"/> gives the child a pool of its own
/// instead of waking threads that do not exist; the threads park on <see cref="WorkerSignal"/>s, which hold nothing a
/// fork could leave locked. A pool never holds more than <see cref="MaxThreads"/> - 1
/// workers: more threads than processors only slow a compute-bound kernel down.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as the process, like its threads.")]
internal sealed class WorkerPool
{
    private static WorkerPool? current;

    private readonly int ownerProcessId;
    private readonly Lock runLock = new();
    private readonly Lock growLock = new();
    // Completion: the last worker to finish releases the caller. (A CountdownEvent would allocate its lock object
    // the first time the caller really blocks, so a warm call could allocate.)
    private readonly WorkerSignal finished = new();
    private int pending;
    private WorkerSignal[] wakeSignals = [];
    private IPartitionedWork? work;
    private ExceptionDispatchInfo? failure;

    private WorkerPool(int processId) => ownerProcessId = processId;

    /// <summary>The most threads a call runs on, the calling thread included: one per processor.</summary>
    public static int MaxThreads => Environment.ProcessorCount;

    /// <summary>The pool of this process (a forked child gets a new one).</summary>
    public static WorkerPool Current
    {
        get
        {
            var processId = ProcessIdentity.CurrentId;
            var pool = Volatile.Read(ref current);
            if (pool is not null && pool.ownerProcessId == processId)
                return pool;

            var fresh = new WorkerPool(processId);
            var seen = Interlocked.CompareExchange(ref current, fresh, pool);
            return seen == pool ? fresh : seen!;
        }
    }

    /// <summary>Runs parts 0 .. <paramref name="parts"/> - 1 (at most <see cref="MaxThreads"/>) and waits for all of them.</summary>
    public void Run(IPartitionedWork partitionedWork, int parts)
    {
        if (parts <= 1 || !runLock.TryEnter())
        {
            for (var part = 0; part < parts; part++)
                partitionedWork.Execute(part);
            return;
        }

        try
        {
            EnsureWorkers(parts - 1);
            work = partitionedWork;
            failure = null;
            Volatile.Write(ref pending, parts - 1);
            for (var worker = 0; worker < parts - 1; worker++)
                wakeSignals[worker].Release();

            try
            {
                partitionedWork.Execute(0);
            }
            finally
            {
                finished.Wait(); // the workers must be done before the pool can be handed to the next call
            }

            failure?.Throw();
        }
        finally
        {
            work = null;
            runLock.Exit();
        }
    }

    private void EnsureWorkers(int count)
    {
        lock (growLock)
        {
            if (wakeSignals.Length >= count)
                return;

            var grown = new WorkerSignal[count];
            wakeSignals.CopyTo(grown, 0);
            for (var index = wakeSignals.Length; index < count; index++)
            {
                grown[index] = new WorkerSignal();
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"FocalAot worker {index + 1}" };
                thread.Start(new WorkerStart(index, grown[index]));
            }

            wakeSignals = grown;
        }
    }

    private void WorkerLoop(object? state)
    {
        var (index, wake) = (WorkerStart)state!;
        while (true)
        {
            wake.Wait();
            try
            {
                work!.Execute(index + 1);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
            }
            finally
            {
                if (Interlocked.Decrement(ref pending) == 0)
                    finished.Release();
            }
        }
    }

    private sealed record WorkerStart(int Index, WorkerSignal Wake);
}
