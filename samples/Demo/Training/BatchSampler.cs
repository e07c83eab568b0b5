namespace FocalAot.Demo;

/// <summary>
/// Mini-batches drawn from a pool of sample indices in random order without replacement, the pool reshuffled each
/// time it runs out: an epoch need not be one pass over the pool.
/// </summary>
internal sealed class BatchSampler
{
    private readonly int[] pool;
    private readonly Random random;
    private int next;

    /// <summary>Draws from <paramref name="pool"/> (reordered in place) with <paramref name="random"/>.</summary>
    public BatchSampler(int[] pool, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pool.Length, nameof(pool));
        this.pool = pool;
        this.random = random;
        next = pool.Length;
    }

    /// <summary>Fills <paramref name="batch"/> with the next indices.</summary>
    public void Fill(Span<int> batch)
    {
        for (var k = 0; k < batch.Length; k++)
        {
            if (next == pool.Length)
            {
                random.Shuffle(pool);
                next = 0;
            }

            batch[k] = pool[next++];
        }
    }
}
