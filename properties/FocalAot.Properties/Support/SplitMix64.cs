namespace FocalAot.Properties.Support;

/// <summary>
/// A fixed-seed splitmix64 stream: the same numbers on every platform and run, for corpora whose outputs a test pins
/// by a digest (a library generator could change its sequence between versions).
/// </summary>
internal class SplitMix64(ulong state)
{
    /// <summary>The next 64 random bits.</summary>
    public ulong Bits()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double uniform in [0, 1): the next 53 bits.</summary>
    public double Uniform() => (Bits() >> 11) * (1.0 / (1UL << 53));
}
