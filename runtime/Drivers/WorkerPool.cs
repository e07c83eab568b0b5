using System.Runtime.ExceptionServices;

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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as the process, like its threads.")]
internal sealed class WorkerPool
{
    private readonly Lock runLock = new();
    private readonly Lock growLock = new();
    private readonly CountdownEvent pending = new(0);
    private SemaphoreSlim[] wakeSignals = [];
    private IPartitionedWork? work;
    private ExceptionDispatchInfo? failure;

    public static WorkerPool Shared { get; } = new();

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
            pending.Reset(parts - 1);
            for (var worker = 0; worker < parts - 1; worker++)
                wakeSignals[worker].Release();

            partitionedWork.Execute(0);
            pending.Wait();
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

            var grown = new SemaphoreSlim[count];
            wakeSignals.CopyTo(grown, 0);
            for (var index = wakeSignals.Length; index < count; index++)
            {
                grown[index] = new SemaphoreSlim(0);
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
                pending.Signal();
            }
        }
    }

    private sealed record WorkerStart(int Index, SemaphoreSlim Wake);
}
