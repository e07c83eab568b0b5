using System.Buffers;

namespace FocalAot.Drivers;

/// <summary>
/// A call's chunks split over the worker pool, as every driver splits them: how many parts a call runs in, which chunks
/// each part takes (a contiguous run, so a thread reads memory in order), and the chunk totals, added in chunk order so
/// that a sum has the same bits at every thread count. A driver keeps one job per thread and calls it again and again,
/// so a warm call allocates nothing.
/// </summary>
internal abstract class ChunkedJob : IPartitionedWork
{
    /// <summary>Below this many elements a call stays on the calling thread.</summary>
    public const long ParallelThreshold = 1L << 17;

    private long chunkCount;
    private int partCount;
    private double[]? chunkTotals;

    /// <summary>
    /// The parts a call of <paramref name="elements"/> elements in <paramref name="chunks"/> chunks runs in: one below
    /// <see cref="ParallelThreshold"/>, else a part per thread, at most one per chunk.
    /// </summary>
    public static int PartsFor(long elements, long chunks, int maxDegreeOfParallelism)
        => elements < ParallelThreshold ? 1 : (int)Math.Min(Math.Min(maxDegreeOfParallelism, WorkerPool.MaxThreads), chunks);

    public void Execute(int part)
        => RunPart(chunkCount * part / partCount, chunkCount * (part + 1) / partCount, chunkTotals);

    /// <summary>Runs chunks <paramref name="first"/> to <paramref name="end"/> (exclusive), each chunk's total into
    /// <paramref name="totals"/> at its index when given.</summary>
    protected abstract void RunPart(long first, long end, double[]? totals);

    /// <summary>
    /// Runs <paramref name="chunks"/> chunks in <paramref name="parts"/> parts on the worker pool. Returns the sum of the
    /// chunk totals in chunk order when <paramref name="summed"/>, else 0.
    /// </summary>
    protected double RunInParts(long chunks, int parts, bool summed)
    {
        var totals = summed ? ArrayPool<double>.Shared.Rent((int)chunks) : null;
        try
        {
            chunkCount = chunks;
            partCount = parts;
            chunkTotals = totals;
            WorkerPool.Current.Run(this, parts);

            var sum = 0.0;
            for (var chunk = 0; totals is not null && chunk < chunks; chunk++)
                sum += totals[chunk];
            return sum;
        }
        finally
        {
            chunkTotals = null;
            if (totals is not null)
                ArrayPool<double>.Shared.Return(totals);
        }
    }
}
