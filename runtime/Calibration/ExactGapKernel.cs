using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// The expected calibration error's pass over whole groups of 16 float confidences in at most <see cref="MaxBins"/>
/// equal-width bins on the 512-bit path, with the bits of <see cref="GapKernel"/>'s canonical lane sums but no scatter.
/// Above the first interior edge (at least 1/15) a float is a multiple of 2⁻²⁷, so each gap c − y there is v·2⁻²⁷ with
/// an integer |v| ≤ 2²⁷, and every sum a chunk forms of such gaps, the canonical one included, is exact. The pass adds
/// v in int32 lanes to S_k for every edge e_k below c (one masked addition per edge and 16 samples), widens the lanes
/// into int64 before they can overflow, and gives each bin b ≥ 1 its exact total S_b − S_{b+1} in lane 0. The first
/// bin's gaps are no multiples of one step: they are added in double to its 16 canonical lanes, as the scalar pass does.
/// </summary>
internal static class ExactGapKernel
{
    /// <summary>The most bins the pass takes: 14 interior edges, one int32 register each.</summary>
    public const int MaxBins = 15;

    private const int Lanes = BlockGeometry.CanonicalLanes;

    private const int Edges = MaxBins - 1;

    /// <summary>2²⁷: a float above 1/16 has an exponent of at least -4, so an ulp of at least 2⁻²⁷.</summary>
    private const float Scale = 134217728f;

    private const int ScaleBits = 27;

    /// <summary>With |v| ≤ 2²⁷, an int32 lane holds the sum of 15 groups.</summary>
    private const int GroupsPerWidening = 15;

    /// <summary>Whether the pass applies: float data, at most <see cref="MaxBins"/> bins, the 512-bit path.</summary>
    public static bool Applies<T>(EqualWidthRule rule)
        => typeof(T) == typeof(float) && rule.Bins <= MaxBins && FocalRuntime.ActivePath == SimdPath.Vector512;

    /// <summary>Adds the gaps of a chunk's whole groups (the first at a multiple of 16) to <paramref name="lanes"/>.</summary>
    /// <returns>Whether every confidence was in [0, 1] and every label 0 or 1 (else the sums are meaningless).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Accumulate(ReadOnlySpan<float> confidences, ReadOnlySpan<byte> correct, EqualWidthRule rule, Span<double> lanes)
    {
        Span<float> edges = stackalloc float[Edges];
        FloatEdges(rule, edges);
        Span<Vector512<long>> totals = stackalloc Vector512<long>[Edges];
        totals.Clear();

        ref var first = ref MemoryMarshal.GetReference(confidences);
        ref var labels = ref MemoryMarshal.GetReference(correct);
        ref var edge = ref MemoryMarshal.GetReference(edges);
        var scale = Vector512.Create(Scale);
        var firstEdgeWide = Vector512.Create((double)edges[0]);
        var lowLanes = Vector512.LoadUnsafe(ref lanes[0]);
        var highLanes = Vector512.LoadUnsafe(ref lanes[0], 8);
        var largestBits = Vector512<uint>.Zero;
        var largestLabel = Vector128<byte>.Zero;
        for (var start = 0; start < confidences.Length; start += GroupsPerWidening * Lanes)
        {
            var end = Math.Min(confidences.Length, start + (GroupsPerWidening * Lanes));

            // One register per edge: the JIT keeps named locals in registers, an array of them in memory.
            Vector512<int> s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default,
                s8 = default, s9 = default, s10 = default, s11 = default, s12 = default, s13 = default, s14 = default;
            for (var offset = start; offset < end; offset += Lanes)
            {
                var c = Vector512.LoadUnsafe(ref first, (nuint)offset);
                var labelBytes = Vector128.LoadUnsafe(ref labels, (nuint)offset);
                largestLabel = Vector128.Max(largestLabel, labelBytes);

                // c + 0 turns -0 into +0, so as unsigned bits every valid c is at most 1's and every other value above.
                largestBits = Vector512.Max(largestBits, (c + Vector512<float>.Zero).AsUInt32());
                var label = Vector512.WidenLower(Vector512.WidenLower(labelBytes.ToVector256Unsafe().ToVector512Unsafe())).AsInt32();

                // Exact above the first edge, where alone it is added.
                var v = Vector512.ConvertToInt32Native(c * scale) - Vector512.ShiftLeft(label, ScaleBits);
                s1 = AddAbove(s1, c, edge, v);
                s2 = AddAbove(s2, c, Unsafe.Add(ref edge, 1), v);
                s3 = AddAbove(s3, c, Unsafe.Add(ref edge, 2), v);
                s4 = AddAbove(s4, c, Unsafe.Add(ref edge, 3), v);
                s5 = AddAbove(s5, c, Unsafe.Add(ref edge, 4), v);
                s6 = AddAbove(s6, c, Unsafe.Add(ref edge, 5), v);
                s7 = AddAbove(s7, c, Unsafe.Add(ref edge, 6), v);
                s8 = AddAbove(s8, c, Unsafe.Add(ref edge, 7), v);
                s9 = AddAbove(s9, c, Unsafe.Add(ref edge, 8), v);
                s10 = AddAbove(s10, c, Unsafe.Add(ref edge, 9), v);
                s11 = AddAbove(s11, c, Unsafe.Add(ref edge, 10), v);
                s12 = AddAbove(s12, c, Unsafe.Add(ref edge, 11), v);
                s13 = AddAbove(s13, c, Unsafe.Add(ref edge, 12), v);
                s14 = AddAbove(s14, c, Unsafe.Add(ref edge, 13), v);

                // The first bin, in its canonical lanes: c widened minus the label, where c is at or below the first edge.
                var low = Vector512.WidenLower(c);
                var high = Vector512.WidenUpper(c);
                var labelSingle = Vector512.ConvertToSingle(label);
                var lowGaps = low - Vector512.WidenLower(labelSingle);
                var highGaps = high - Vector512.WidenUpper(labelSingle);
                lowLanes = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(low, firstEdgeWide), lowLanes + lowGaps, lowLanes);
                highLanes = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(high, firstEdgeWide), highLanes + highGaps, highLanes);
            }

            ref var total = ref MemoryMarshal.GetReference(totals);
            Widen(s1, ref total);
            Widen(s2, ref Unsafe.Add(ref total, 1));
            Widen(s3, ref Unsafe.Add(ref total, 2));
            Widen(s4, ref Unsafe.Add(ref total, 3));
            Widen(s5, ref Unsafe.Add(ref total, 4));
            Widen(s6, ref Unsafe.Add(ref total, 5));
            Widen(s7, ref Unsafe.Add(ref total, 6));
            Widen(s8, ref Unsafe.Add(ref total, 7));
            Widen(s9, ref Unsafe.Add(ref total, 8));
            Widen(s10, ref Unsafe.Add(ref total, 9));
            Widen(s11, ref Unsafe.Add(ref total, 10));
            Widen(s12, ref Unsafe.Add(ref total, 11));
            Widen(s13, ref Unsafe.Add(ref total, 12));
            Widen(s14, ref Unsafe.Add(ref total, 13));
        }

        lowLanes.StoreUnsafe(ref lanes[0]);
        highLanes.StoreUnsafe(ref lanes[0], 8);
        var above = 0L;
        for (var bin = (int)rule.Bins - 1; bin >= 1; bin--)
        {
            var atOrAbove = Vector512.Sum(totals[bin - 1]);
            lanes[bin * Lanes] += (double)(atOrAbove - above) / Scale;
            above = atOrAbove;
        }

        return Vector512.LessThanOrEqualAll(largestBits, Vector512.Create(BitConverter.SingleToUInt32Bits(1f)))
            && Vector128.LessThanOrEqualAll(largestLabel, Vector128<byte>.One);
    }

    /// <summary>Each interior edge as the largest float at or below it (for a float c, c &gt; e ⇔ c &gt; that float), then +∞.</summary>
    private static void FloatEdges(EqualWidthRule rule, Span<float> edges)
    {
        edges.Fill(float.PositiveInfinity);
        for (var k = 1; k < (int)rule.Bins; k++)
        {
            var exact = k * rule.Step;
            var below = (float)exact;
            edges[k - 1] = below > exact ? MathF.BitDecrement(below) : below;
        }
    }

    /// <summary><paramref name="sum"/> plus <paramref name="v"/> in the lanes whose confidence is above <paramref name="edge"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> AddAbove(Vector512<int> sum, Vector512<float> c, float edge, Vector512<int> v)
        => Vector512.ConditionalSelect(Vector512.GreaterThan(c, Vector512.Create(edge)).AsInt32(), sum + v, sum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(Vector512<int> sum, ref Vector512<long> total)
        => total += Vector512.WidenLower(sum) + Vector512.WidenUpper(sum);
}
