using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Kernels;
using FocalAot.Simd;

namespace FocalAot.Drivers;

/// <summary>Outcome of one kernel call.</summary>
internal readonly record struct KernelResult(bool InvalidTargets, double Sum);

/// <summary>
/// Runs the block kernel over a whole call: chunks of <see cref="ChunkSize"/> elements, blocks within
/// chunks, a zero-padded last block, the canonical sum, and threads above <see cref="ParallelThreshold"/>.
/// </summary>
internal sealed unsafe class KernelDriver<TVec, T, TOps, TFactor, TMode> : IPartitionedWork
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    /// <summary>Elements per chunk: the unit of work of a thread and of the canonical sum's outer level.</summary>
    public const int ChunkSize = 16384;

    /// <summary>Below this many elements a call stays on the calling thread.</summary>
    public const long ParallelThreshold = 1L << 17;

    private const int BlockSize = BlockBuffers.BlockSize;
    private const int TailBuffers = 5;

    [ThreadStatic]
    private static KernelDriver<TVec, T, TOps, TFactor, TMode>? cachedJob;

    private KernelArguments<T> arguments;
    private TFactor factor;
    private long chunkCount;
    private int partCount;
    private double[]? chunkTotals;
    private int invalidTargets;

    public static KernelResult Run(in KernelArguments<T> arguments, in TFactor factor, int maxDegreeOfParallelism)
    {
        var chunks = (arguments.Length + ChunkSize - 1) / ChunkSize;
        var threads = Math.Min(maxDegreeOfParallelism, WorkerPool.MaxThreads);
        var parts = arguments.Length < ParallelThreshold ? 1 : (int)Math.Min(threads, chunks);
        if (parts <= 1)
        {
            var sum = 0.0;
            var invalid = RunChunks(arguments, factor, 0, chunks, ref sum, null);
            return new KernelResult(invalid, CanonicalSum.Canonicalize(sum));
        }

        var job = cachedJob ??= new KernelDriver<TVec, T, TOps, TFactor, TMode>();
        var totals = arguments.Reduce ? ArrayPool<double>.Shared.Rent((int)chunks) : null;
        try
        {
            job.arguments = arguments;
            job.factor = factor;
            job.chunkCount = chunks;
            job.partCount = parts;
            job.chunkTotals = totals;
            job.invalidTargets = 0;
            WorkerPool.Current.Run(job, parts);

            var sum = 0.0;
            for (var chunk = 0; totals is not null && chunk < chunks; chunk++)
                sum += totals[chunk];
            return new KernelResult(job.invalidTargets != 0, CanonicalSum.Canonicalize(sum));
        }
        finally
        {
            job.chunkTotals = null;
            if (totals is not null)
                ArrayPool<double>.Shared.Return(totals);
        }
    }

    public void Execute(int part)
    {
        var first = chunkCount * part / partCount;
        var end = chunkCount * (part + 1) / partCount;
        var ignored = 0.0;
        if (RunChunks(arguments, factor, first, end, ref ignored, chunkTotals))
            Volatile.Write(ref invalidTargets, 1);
    }

    /// <summary>
    /// Runs chunks [first, end). Chunk totals go to <paramref name="totals"/> when given, else are added
    /// to <paramref name="runningSum"/> in chunk order (the same order the caller later uses for totals).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool RunChunks(
        in KernelArguments<T> arguments, in TFactor factor, long first, long end, ref double runningSum, double[]? totals)
    {
        Span<T> scratch = stackalloc T[SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength + (TailBuffers * BlockSize)];
        Span<double> lanes = stackalloc double[BlockBuffers.CanonicalLanes];
        var work = scratch[..SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength];
        var tail = scratch[SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength..];
        var tailLogits = tail[..BlockSize];
        var tailTargets = tail.Slice(BlockSize, BlockSize);
        var tailUpstream = tail.Slice(2 * BlockSize, BlockSize);
        var blockLosses = tail.Slice(3 * BlockSize, BlockSize);
        var tailGradient = tail.Slice(4 * BlockSize, BlockSize);

        var invalid = false;
        for (var chunk = first; chunk < end; chunk++)
        {
            lanes.Clear();
            var chunkStart = chunk * ChunkSize;
            var chunkEnd = Math.Min(chunkStart + ChunkSize, arguments.Length);
            for (var start = chunkStart; start < chunkEnd; start += BlockSize)
            {
                var length = (int)Math.Min(BlockSize, chunkEnd - start);
                invalid |= length == BlockSize
                    ? RunFullBlock(arguments, factor, start, work, blockLosses)
                    : RunTailBlock(arguments, factor, start, length, work, tailLogits, tailTargets, tailUpstream, blockLosses, tailGradient);
                if (arguments.Reduce && TMode.ComputesLoss)
                    CanonicalSum.Accumulate<T, TOps>(blockLosses[..length], lanes);
            }

            if (arguments.Reduce && TMode.ComputesLoss)
            {
                var chunkTotal = CanonicalSum.Combine(lanes);
                if (totals is null)
                    runningSum += chunkTotal;
                else
                    totals[chunk] = chunkTotal;
            }
        }

        return invalid;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RunFullBlock(
        in KernelArguments<T> arguments, in TFactor factor, long start, Span<T> work, Span<T> blockLosses)
    {
        ref var losses = ref arguments.Losses == null ? ref blockLosses[0] : ref Unsafe.AsRef<T>(arguments.Losses + start);
        ref var gradient = ref arguments.Gradient == null ? ref blockLosses[0] : ref Unsafe.AsRef<T>(arguments.Gradient + start);
        ref var upstream = ref arguments.Upstream == null ? ref blockLosses[0] : ref Unsafe.AsRef<T>(arguments.Upstream + start);
        return SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.Run(
            in Unsafe.AsRef<T>(arguments.Logits + start), in Unsafe.AsRef<T>(arguments.Targets + start), in upstream,
            ref losses, ref gradient, BlockSize, arguments.Parameters, factor, work);
    }

    /// <summary>The last, partial block: inputs copied into zero-padded buffers, outputs copied back.</summary>
    private static bool RunTailBlock(
        in KernelArguments<T> arguments, in TFactor factor, long start, int length, Span<T> work,
        Span<T> logits, Span<T> targets, Span<T> upstream, Span<T> losses, Span<T> gradient)
    {
        var padded = (length + BlockBuffers.CanonicalLanes - 1) / BlockBuffers.CanonicalLanes * BlockBuffers.CanonicalLanes;
        CopyPadded(arguments.Logits + start, length, logits[..padded]);
        CopyPadded(arguments.Targets + start, length, targets[..padded]);
        if (arguments.Upstream != null)
            CopyPadded(arguments.Upstream + start, length, upstream[..padded]);

        var invalid = SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.Run(
            in logits[0], in targets[0], in upstream[0], ref losses[0], ref gradient[0], padded, arguments.Parameters, factor, work);

        if (TMode.ComputesLoss && arguments.Losses != null)
            losses[..length].CopyTo(new Span<T>(arguments.Losses + start, length));
        if (TMode.ComputesGradient)
            gradient[..length].CopyTo(new Span<T>(arguments.Gradient + start, length));
        return invalid;
    }

    private static void CopyPadded(T* source, int length, Span<T> destination)
    {
        new ReadOnlySpan<T>(source, length).CopyTo(destination);
        destination[length..].Clear();
    }
}
