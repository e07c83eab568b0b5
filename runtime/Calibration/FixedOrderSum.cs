using FocalAot.Drivers;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// A sum of per-sample doubles in the canonical order (NUMERICS.md §4): sample i goes to lane i mod 16 of its chunk of
/// <see cref="ChunkSize"/> samples, the lanes are combined by the fixed tree, and chunk totals added in order.
/// </summary>
internal ref struct FixedOrderSum
{
    /// <summary>The canonical chunk: the kernels' unit of a worker thread and of a sum (16,384 elements).</summary>
    public const int ChunkSize = 16384;

    private const int Lanes = BlockGeometry.CanonicalLanes;

    private readonly Span<double> lanes;
    private double total;
    private int index;

    /// <summary>A sum whose 16 lane sums live in <paramref name="lanes"/> (cleared here: stack memory is not zeroed).</summary>
    public FixedOrderSum(Span<double> lanes)
    {
        this.lanes = lanes[..Lanes];
        this.lanes.Clear();
    }

    /// <summary>Adds the next sample's value.</summary>
    public void Add(double value)
    {
        lanes[index % Lanes] += value;
        if (++index % ChunkSize == 0)
            Flush();
    }

    /// <summary>The sum of every value added so far.</summary>
    public double Total()
    {
        Flush();
        return total;
    }

    private void Flush()
    {
        total += CanonicalSum.Combine(lanes);
        lanes.Clear();
    }
}
