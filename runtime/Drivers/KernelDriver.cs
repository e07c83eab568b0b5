using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Kernels;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>Outcome of one kernel call.</summary>
/// <param name="InvalidInputs">Some target or weight broke its rule (the caller rescans to name it).</param>
/// <param name="Sum">The canonical sum of the losses, when they were reduced.</param>
internal readonly record struct KernelResult(bool InvalidInputs, double Sum);

/// <summary>
/// Runs the block kernel over a whole call: chunks of <see cref="ChunkSize"/> elements, blocks within chunks, the
/// canonical sum, and threads above <see cref="ChunkedJob.ParallelThreshold"/>. A full block runs on the caller's memory (16-bit
/// logits and targets widened by the kernel's first pass, other 16-bit data staged); the partial last block is staged:
/// converted into zero-padded compute buffers, run, and its outputs converted back.
/// </summary>
internal sealed unsafe class KernelDriver<TVec, TStorage, T, TOps, TFactor, TMode> : ChunkedJob
    where TVec : struct
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    /// <summary>Elements per chunk: the unit of work of a thread and of the canonical sum's outer level.</summary>
    public const int ChunkSize = 16384;

    private const int BlockSize = BlockGeometry.BlockSize;

    /// <summary>Staging buffers of a block: logits, targets, upstream, weights, losses, gradient, α, 1 - α.</summary>
    private const int StagingBuffers = 8;

    /// <summary>Up to this many classes, the per-class α of every block are read from one expanded table.</summary>
    private const int MaxExpandedClasses = 1024;

    [ThreadStatic]
    private static KernelDriver<TVec, TStorage, T, TOps, TFactor, TMode>? cachedJob;

    private KernelArguments<TStorage, T> arguments;
    private TFactor factor;
    private int invalidInputs;

    /// <summary>Whether the call stores 16-bit values, which the kernels compute on in float.</summary>
    private static bool ConvertsStorage => typeof(TStorage) != typeof(T);

    public static KernelResult Run(in KernelArguments<TStorage, T> arguments, in TFactor factor, int maxDegreeOfParallelism)
    {
        var chunks = (arguments.Length + ChunkSize - 1) / ChunkSize;
        var parts = PartsFor(arguments.Length, chunks, maxDegreeOfParallelism);
        if (parts <= 1)
        {
            var sum = 0.0;
            var invalid = RunChunks(arguments, factor, 0, chunks, ref sum, null);
            return new KernelResult(invalid, CanonicalSum.Canonicalize(sum));
        }

        var job = cachedJob ??= new KernelDriver<TVec, TStorage, T, TOps, TFactor, TMode>();
        job.arguments = arguments;
        job.factor = factor;
        job.invalidInputs = 0;
        var total = job.RunInParts(chunks, parts, arguments.Reduce);
        return new KernelResult(job.invalidInputs != 0, CanonicalSum.Canonicalize(total));
    }

    protected override void RunPart(long first, long end, double[]? totals)
    {
        var ignored = 0.0;
        if (RunChunks(arguments, factor, first, end, ref ignored, totals))
            Volatile.Write(ref invalidInputs, 1);
    }

    /// <summary>
    /// Runs chunks [first, end). Chunk totals go to <paramref name="totals"/> when given, else are added
    /// to <paramref name="runningSum"/> in chunk order (the same order the caller later uses for totals).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool RunChunks(
        in KernelArguments<TStorage, T> arguments, in TFactor factor, long first, long end, ref double runningSum, double[]? totals)
    {
        Span<T> scratch = stackalloc T[SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength + (StagingBuffers * BlockSize)];
        Span<double> lanes = stackalloc double[BlockGeometry.CanonicalLanes];
        var work = scratch[..SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength];
        var staging = new BlockStaging(scratch[SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.ScratchLength..]);
        var classes = arguments.ClassCount;
        var expand = TMode.PerElementWeights && arguments.ClassAlpha != null && classes <= MaxExpandedClasses;
        Span<T> expanded = expand ? stackalloc T[2 * (classes + BlockSize)] : default;
        // Up to MaxExpandedClasses classes, the class table repeated over classes + BlockSize entries, α first, then
        // 1 - α; more classes fill the staging buffers block by block. A scalar α reaches the kernel as a broadcast.
        if (expand)
            FillClassWeights(arguments, 0, expanded[..(classes + BlockSize)], expanded[(classes + BlockSize)..]);

        var invalid = false;
        for (var chunk = first; chunk < end; chunk++)
        {
            lanes.Clear();
            var chunkStart = chunk * ChunkSize;
            var chunkEnd = Math.Min(chunkStart + ChunkSize, arguments.Length);
            for (var start = chunkStart; start < chunkEnd; start += BlockSize)
            {
                var length = (int)Math.Min(BlockSize, chunkEnd - start);
                scoped ref var positive = ref Unsafe.NullRef<T>();
                scoped ref var negative = ref Unsafe.NullRef<T>();
                if (TMode.PerElementWeights && arguments.ClassAlpha != null)
                {
                    if (expand)
                    {
                        // The expanded table holds classes + BlockSize entries, so a block reads it from its first class on.
                        var offset = (int)(start % classes);
                        positive = ref expanded[offset];
                        negative = ref expanded[classes + BlockSize + offset];
                    }
                    else
                    {
                        FillClassWeights(arguments, start, staging.Positive, staging.Negative);
                        positive = ref staging.Positive[0];
                        negative = ref staging.Negative[0];
                    }
                }

                invalid |= length == BlockSize
                    ? RunFullBlock(arguments, factor, start, work, staging, in positive, in negative)
                    : RunStagedBlock(arguments, factor, start, length, work, staging, in positive, in negative);
                if (arguments.Reduce && TMode.ComputesLoss)
                    CanonicalSum.Accumulate<T, TOps>(staging.Losses[..length], lanes);
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

    /// <summary>
    /// A full block: the kernel reads the caller's logits and targets (16-bit ones widened as its first pass reads them).
    /// In the compute type it also reads and writes the caller's other inputs and outputs; 16-bit ones go through the
    /// staging buffers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RunFullBlock(
        in KernelArguments<TStorage, T> arguments, in TFactor factor, long start, Span<T> work, in BlockStaging staging,
        ref readonly T positive, ref readonly T negative)
    {
        ref var blockLosses = ref staging.Losses[0];
        if (!ConvertsStorage)
        {
            ref var losses = ref arguments.Losses == null ? ref blockLosses : ref At(arguments.Losses, start);
            ref var gradient = ref arguments.Gradient == null ? ref blockLosses : ref At(arguments.Gradient, start);
            ref var upstream = ref arguments.Upstream == null ? ref blockLosses : ref At(arguments.Upstream, start);
            ref var weights = ref arguments.Weights == null ? ref Unsafe.NullRef<T>() : ref At(arguments.Weights, start);
            return SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.Run(
                in arguments.Logits[start], in arguments.Targets[start], in upstream, ref losses, ref gradient,
                in weights, in positive, in negative, BlockSize, arguments.Parameters, factor, work);
        }

        StageOptionalInputs(arguments, start, BlockSize, BlockSize, staging);
        var invalid = SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.Run(
            in arguments.Logits[start], in arguments.Targets[start], in staging.Upstream[0], ref blockLosses, ref staging.Gradient[0],
            in arguments.Weights == null ? ref Unsafe.NullRef<T>() : ref staging.Weights[0], in positive, in negative,
            BlockSize, arguments.Parameters, factor, work);
        WriteBackOutputs(arguments, start, BlockSize, staging);
        return invalid;
    }

    /// <summary>A partial block through the staging buffers: inputs converted (or copied) and zero-padded, outputs written back.</summary>
    private static bool RunStagedBlock(
        in KernelArguments<TStorage, T> arguments, in TFactor factor, long start, int length, Span<T> work, in BlockStaging staging,
        ref readonly T positive, ref readonly T negative)
    {
        var padded = (length + BlockGeometry.CanonicalLanes - 1) / BlockGeometry.CanonicalLanes * BlockGeometry.CanonicalLanes;
        Stage(arguments.Logits + start, length, staging.Logits[..padded]);
        Stage(arguments.Targets + start, length, staging.Targets[..padded]);
        StageOptionalInputs(arguments, start, length, padded, staging);

        var invalid = SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>.Run(
            in staging.Logits[0], in staging.Targets[0], in staging.Upstream[0], ref staging.Losses[0], ref staging.Gradient[0],
            in arguments.Weights == null ? ref Unsafe.NullRef<T>() : ref staging.Weights[0], in positive, in negative,
            padded, arguments.Parameters, factor, work);
        WriteBackOutputs(arguments, start, length, staging);
        return invalid;
    }

    /// <summary>The upstream gradient and the weights, where the call has them, into their staging buffers.</summary>
    private static void StageOptionalInputs(in KernelArguments<TStorage, T> arguments, long start, int length, int padded, in BlockStaging staging)
    {
        if (arguments.Upstream != null)
            Stage(arguments.Upstream + start, length, staging.Upstream[..padded]);
        if (arguments.Weights != null)
            Stage(arguments.Weights + start, length, staging.Weights[..padded]);
    }

    /// <summary>The staged losses (where the call keeps them) and gradient into the caller's storage.</summary>
    private static void WriteBackOutputs(in KernelArguments<TStorage, T> arguments, long start, int length, in BlockStaging staging)
    {
        if (TMode.ComputesLoss && arguments.Losses != null)
            ElementStorage.ToStorage<TStorage, T, TVec, TOps>(staging.Losses, length, arguments.Losses + start);
        if (TMode.ComputesGradient)
            ElementStorage.ToStorage<TStorage, T, TVec, TOps>(staging.Gradient, length, arguments.Gradient + start);
    }

    /// <summary>Each element's α and 1 - α from <paramref name="start"/> on: the class table repeated.</summary>
    private static void FillClassWeights(in KernelArguments<TStorage, T> arguments, long start, Span<T> positive, Span<T> negative)
    {
        var classes = arguments.ClassCount;
        var table = arguments.ClassAlpha;
        var index = (int)(start % classes);
        for (var i = 0; i < positive.Length; i++)
        {
            // The same conversions as a scalar α (KernelParameters), so equal classes give the scalar-α bits.
            positive[i] = T.CreateTruncating(table[index]);
            negative[i] = T.CreateTruncating(1 - table[index]);
            if (++index == classes)
                index = 0;
        }
    }

    private static void Stage(TStorage* source, int length, Span<T> destination)
    {
        ElementStorage.ToCompute<TStorage, T, TVec, TOps>(source, length, destination);
        destination[length..].Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T At(TStorage* pointer, long index) => ref Unsafe.AsRef<T>((T*)pointer + index);

    /// <summary>The block-sized staging buffers, carved out of one stack allocation.</summary>
    private readonly ref struct BlockStaging(Span<T> buffers)
    {
        public Span<T> Logits { get; } = buffers[..BlockSize];

        public Span<T> Targets { get; } = buffers.Slice(BlockSize, BlockSize);

        public Span<T> Upstream { get; } = buffers.Slice(2 * BlockSize, BlockSize);

        public Span<T> Weights { get; } = buffers.Slice(3 * BlockSize, BlockSize);

        public Span<T> Losses { get; } = buffers.Slice(4 * BlockSize, BlockSize);

        public Span<T> Gradient { get; } = buffers.Slice(5 * BlockSize, BlockSize);

        public Span<T> Positive { get; } = buffers.Slice(6 * BlockSize, BlockSize);

        public Span<T> Negative { get; } = buffers.Slice(7 * BlockSize, BlockSize);
    }
}
