using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// The binned metrics' pass over whole groups of 16 float confidences in at most <see cref="MaxBins"/> equal-width bins
/// on the 512-bit path, without a per-sample scatter and with the bits of the canonical order. Above the first interior
/// edge (at least 1/15) a float is a multiple of 2⁻²⁷, so a confidence or a gap c − y there is an integer multiple of
/// 2⁻²⁷ of magnitude at most 2²⁷, and every sum a chunk forms of them, the canonical one included, is exact. The pass
/// adds an integer per sample (an <see cref="IEdgeValue"/>) to S_k for every edge e_k below c (one masked addition
/// per edge and 16 samples) in int32 lanes, widened into int64 before they can overflow; bin b ≥ 1 then holds
/// S_b − S_{b+1}. The first bin's values are no multiples of one step: where the metric sums them in double, they are
/// added to the first bin's 16 canonical lanes, as the scalar pass does.
/// </summary>
internal static class ExactBinPass
{
    /// <summary>The most bins the pass takes: 14 interior edges, one int32 register each.</summary>
    public const int MaxBins = 15;

    private const int Edges = MaxBins - 1;

    private const int Lanes = BlockGeometry.CanonicalLanes;

    /// <summary>2²⁷: a float above 1/16 has an exponent of at least -4, so an ulp of at least 2⁻²⁷.</summary>
    public const float Scale = 134217728f;

    /// <summary>log2 of <see cref="Scale"/>.</summary>
    public const int ScaleBits = 27;

    /// <summary>With |v| ≤ 2²⁷, an int32 lane holds the sum of 15 groups.</summary>
    private const int GroupsPerWidening = 15;

    /// <summary>Whether the pass applies: float data, at most <see cref="MaxBins"/> bins, the 512-bit path.</summary>
    public static bool Applies<T>(EqualWidthRule rule)
        => typeof(T) == typeof(float) && rule.Bins <= MaxBins && FocalRuntime.ActivePath == SimdPath.Vector512;

    /// <summary>
    /// Sums a chunk's whole groups (the first at a multiple of 16): each bin's sum of <typeparamref name="TValue"/>'s
    /// integer into <paramref name="bins"/> (<see cref="MaxBins"/> long; the first bin's is the whole's less the others',
    /// 0 unless <typeparamref name="TValue"/> sums every sample), and, when it keeps them, each first-bin sample's double
    /// value into <paramref name="firstBinLanes"/> (16 canonical lanes).
    /// </summary>
    /// <returns>Whether every confidence was in [0, 1] and every label 0 or 1 (else the sums are meaningless).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Accumulate<TValue>(
        ReadOnlySpan<float> confidences, ReadOnlySpan<byte> correct, EqualWidthRule rule, Span<double> firstBinLanes, Span<long> bins)
        where TValue : struct, IEdgeValue
    {
        Span<float> edges = stackalloc float[Edges];
        FloatEdges(rule, edges);
        Span<Vector512<long>> totals = stackalloc Vector512<long>[Edges];
        totals.Clear();

        ref var first = ref MemoryMarshal.GetReference(confidences);
        ref var labels = ref MemoryMarshal.GetReference(correct);
        ref var edge = ref MemoryMarshal.GetReference(edges);
        var firstEdgeWide = Vector512.Create((double)edges[0]);
        var lowLanes = TValue.KeepsFirstBin ? Vector512.LoadUnsafe(ref firstBinLanes[0]) : default;
        var highLanes = TValue.KeepsFirstBin ? Vector512.LoadUnsafe(ref firstBinLanes[0], 8) : default;
        var everything = Vector512<long>.Zero;
        var largestBits = Vector512<uint>.Zero;
        var largestLabel = Vector128<byte>.Zero;
        for (var start = 0; start < confidences.Length; start += GroupsPerWidening * Lanes)
        {
            var end = Math.Min(confidences.Length, start + (GroupsPerWidening * Lanes));

            // One register per edge: the JIT keeps named locals in registers, an array of them in memory.
            Vector512<int> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default,
                s8 = default, s9 = default, s10 = default, s11 = default, s12 = default, s13 = default, s14 = default;
            for (var offset = start; offset < end; offset += Lanes)
            {
                var c = Vector512.LoadUnsafe(ref first, (nuint)offset);
                var labelBytes = Vector128.LoadUnsafe(ref labels, (nuint)offset);
                largestLabel = Vector128.Max(largestLabel, labelBytes);

                // c + 0 turns -0 into +0, so as unsigned bits every valid c is at most 1's and every other value above.
                largestBits = Vector512.Max(largestBits, (c + Vector512<float>.Zero).AsUInt32());
                var label = Vector512.WidenLower(Vector512.WidenLower(labelBytes.ToVector256Unsafe().ToVector512Unsafe())).AsInt32();

                // Exact above the first edge.
                var v = TValue.Of(c, label);
                if (TValue.SumsEverySample)
                    s0 += v;
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

                if (TValue.KeepsFirstBin)
                {
                    // The first bin, in its canonical lanes: the value in double where c is at or below the first edge.
                    var low = Vector512.WidenLower(c);
                    var high = Vector512.WidenUpper(c);
                    var labelSingle = Vector512.ConvertToSingle(label);
                    var lowValues = TValue.FirstBin(low, Vector512.WidenLower(labelSingle));
                    var highValues = TValue.FirstBin(high, Vector512.WidenUpper(labelSingle));
                    lowLanes = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(low, firstEdgeWide), lowLanes + lowValues, lowLanes);
                    highLanes = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(high, firstEdgeWide), highLanes + highValues, highLanes);
                }
            }

            if (TValue.SumsEverySample)
                everything += Vector512.WidenLower(s0) + Vector512.WidenUpper(s0);

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

        if (TValue.KeepsFirstBin)
        {
            lowLanes.StoreUnsafe(ref firstBinLanes[0]);
            highLanes.StoreUnsafe(ref firstBinLanes[0], 8);
        }

        // Bin b ≥ 1 holds S_b − S_{b+1} (S past the last edge is 0), the first bin the rest of the whole.
        var rest = Vector512.Sum(everything);
        var above = 0L;
        for (var bin = Edges; bin >= 1; bin--)
        {
            var atOrAbove = Vector512.Sum(totals[bin - 1]);
            bins[bin] = atOrAbove - above;
            rest -= bins[bin];
            above = atOrAbove;
        }

        bins[0] = TValue.SumsEverySample ? rest : 0;
        return Vector512.LessThanOrEqualAll(largestBits, Vector512.Create(BitConverter.SingleToUInt32Bits(1f)))
            && Vector128.LessThanOrEqualAll(largestLabel, Vector128<byte>.One);
    }

    /// <summary>
    /// A metric's double sums of whole groups in its canonical lanes (<c>lanes[bin · 16 + lane]</c>): the first bin's
    /// values in its 16 lanes, and each bin b ≥ 1's exact sum, its integer / 2²⁷, in its lane 0.
    /// </summary>
    /// <returns>Whether every confidence was in [0, 1] and every label 0 or 1.</returns>
    public static bool AccumulateSums<TValue>(ReadOnlySpan<float> confidences, ReadOnlySpan<byte> correct, EqualWidthRule rule, Span<double> lanes)
        where TValue : struct, IEdgeValue
    {
        Span<long> bins = stackalloc long[MaxBins];
        var valid = Accumulate<TValue>(confidences, correct, rule, lanes[..Lanes], bins);
        for (var bin = 1; bin < (int)rule.Bins; bin++)
            lanes[bin * Lanes] += bins[bin] / (double)Scale;
        return valid;
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
