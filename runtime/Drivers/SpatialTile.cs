using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FocalAot.Drivers;

/// <summary>
/// Consecutive positions of one sample of [N, C, S] values, transposed to [P, C] rows and back. A position's classes
/// lie S apart, often a power of two that maps all of them to one cache set, so gathering a row class by class thrashed
/// the cache; a tile reads and writes each class's run of positions contiguously instead, and the row kernel then finds
/// every row contiguous. The other way round, a register's worth of [N, C] rows is transposed to columns, a class's
/// values of consecutive rows contiguous (<see cref="TransposeRows"/>), for the lanes of a register to take a row each.
/// Values are copied, never converted, so a row's bits do not depend on its layout.
/// </summary>
internal static unsafe class SpatialTile
{
    /// <summary>About this many values per tile, which holds at least a cache line's positions.</summary>
    private const int TileValues = 8192;

    /// <summary>How many classes ahead a tile asks for its runs' lines.</summary>
    private const int PrefetchDistance = 8;

    private const int CacheLine = 64;

    /// <summary>The most positions in a tile.</summary>
    private const int MaxPositions = 64;

    /// <summary>Positions in a cache line of 32-bit values: tiles that start at a multiple of it read and write whole lines.</summary>
    private const int LinePositions = 16;

    /// <summary>
    /// Positions per tile for rows of <paramref name="classes"/> values: whole lines (at least one), at most
    /// <paramref name="spatial"/>.
    /// </summary>
    public static int PositionsFor(int classes, int spatial)
    {
        var positions = Math.Clamp(TileValues / classes / LinePositions * LinePositions, LinePositions, MaxPositions);
        return Math.Min(positions, spatial);
    }

    /// <summary>
    /// Positions in the tile that starts at <paramref name="row"/> (n·S + s): up to <paramref name="positions"/>, within
    /// the sample and before <paramref name="end"/>.
    /// </summary>
    public static int Length(long row, long end, int positions, int spatial)
    {
        var position = row % spatial;
        var aligned = positions - (int)(position % LinePositions);
        return (int)Math.Min(Math.Min(end - row, aligned), spatial - position);
    }

    /// <summary>Copies the classes of positions [row, row + count) of <paramref name="source"/> into rows of <paramref name="tile"/>.</summary>
    public static void Gather<TStorage>(TStorage* source, long row, int count, int classes, int spatial, TStorage* tile)
        where TStorage : unmanaged
        => Transpose(source, row, count, classes, spatial, tile, toTile: true);

    /// <summary>
    /// Copies rows of <paramref name="tile"/> back to the classes of positions [row, row + count) of
    /// <paramref name="destination"/>.
    /// </summary>
    public static void Scatter<TStorage>(TStorage* tile, long row, int count, int classes, int spatial, TStorage* destination)
        where TStorage : unmanaged
        => Transpose(destination, row, count, classes, spatial, tile, toTile: false);

    /// <summary>Copies each class's run of positions in <paramref name="values"/> to or from its column of <paramref name="tile"/>.</summary>
    private static void Transpose<TStorage>(TStorage* values, long row, int count, int classes, int spatial, TStorage* tile, bool toTile)
        where TStorage : unmanaged
    {
        var first = values + Start(row, classes, spatial);
        for (var c = 0; c < classes; c++)
        {
            var run = first + ((long)c * spatial);
            Prefetch(run + (PrefetchDistance * (long)spatial), count);
            if (toTile)
                Copy(run, 1, tile + c, classes, count);
            else
                Copy(tile + c, classes, run, 1, count);
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> rows of <paramref name="classes"/> values to or from columns (class c of row i at
    /// <paramref name="columns"/>[c·count + i]), a row at a time, so that the rows' memory is read and written in order.
    /// </summary>
    public static void TransposeRows<TStorage>(TStorage* rows, int count, int classes, TStorage* columns, bool toColumns)
        where TStorage : unmanaged
    {
        for (var i = 0; i < count; i++)
        {
            if (toColumns)
                Copy(rows + ((long)i * classes), 1, columns + i, count, classes);
            else
                Copy(columns + i, count, rows + ((long)i * classes), 1, classes);
        }
    }

    /// <summary>Copies <paramref name="count"/> values <paramref name="fromStep"/> apart to <paramref name="toStep"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<TStorage>(TStorage* from, int fromStep, TStorage* to, int toStep, int count)
        where TStorage : unmanaged
    {
        for (var p = 0; p < count; p++, from += fromStep, to += toStep)
            *to = *from;
    }

    /// <summary>
    /// Asks for the lines of a run <see cref="PrefetchDistance"/> classes ahead: each class is its own stream, more than
    /// the hardware prefetcher follows, and a run's few loads leave too little in flight to hide the next one's miss.
    /// Prefetching past the last class is harmless (a prefetch never faults); without SSE (arm64) the hardware's alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<TStorage>(TStorage* run, int count)
        where TStorage : unmanaged
    {
        if (!Sse.IsSupported)
            return;
        var end = (byte*)(run + count);
        for (var line = (byte*)run; line < end; line += CacheLine)
            Sse.Prefetch0(line);
    }

    /// <summary>Where class 0 of row n·S + s is: (n·C)·S + s.</summary>
    public static long Start(long row, int classes, int spatial) => ((row / spatial) * classes * spatial) + (row % spatial);
}
