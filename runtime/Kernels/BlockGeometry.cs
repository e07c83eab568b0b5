namespace FocalAot.Kernels;

/// <summary>The sizes that shape a kernel pass: the L1-resident block it streams through, and the canonical lanes of its sums.</summary>
internal static class BlockGeometry
{
    /// <summary>
    /// Elements per block. Each pass (exp, log1p, sigmoid, power, algebra) runs over a whole block before
    /// the next starts, so independent iterations keep the FMA units busy instead of one long dependency
    /// chain per vector. A multiple of 16, the widest lane count.
    /// </summary>
    public const int BlockSize = 256;

    /// <summary>Lane count of the canonical summation order (the widest vector of float).</summary>
    public const int CanonicalLanes = 16;
}
