using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;

namespace FocalAot.Calibration;

/// <summary>
/// The expected calibration error's pass over one chunk: each sample adds its gap c − y (in double) to the sum of its
/// bin in canonical lane i mod 16 (<c>lanes[bin · 16 + lane]</c>). On the 256- and 512-bit paths a pass computes 16 bins
/// and gaps with vector operations, then adds them with scalar ones (a histogram has no vector form); its bins are the
/// exact rule's and its gaps the scalar pass's (which the 128-bit and scalar paths run), so every path adds the same
/// values in the same order. Float data in at most 15 bins on the 512-bit path takes <see cref="ExactBinPass"/>,
/// whose sums are exact where the order could matter, so they are these bits too.
/// </summary>
internal static class GapKernel
{
    private const int Lanes = BlockGeometry.CanonicalLanes;

    /// <summary>2^52: a whole double below it, added to this, is the integer in the low bits of the sum's representation.</summary>
    private const double IntegerBias = 4503599627370496.0;

    /// <summary>Labels as doubles for every 4-bit pattern of four labels, 4 doubles per pattern (lane j is bit j).</summary>
    private static readonly double[] LabelPatterns = [.. Enumerable.Range(0, 64).Select(i => (double)(((i / 4) >> (i % 4)) & 1))];

    /// <summary>Adds the gaps of a chunk (whose first sample is at a multiple of 16) to <paramref name="lanes"/>.</summary>
    /// <returns>Whether every confidence was in [0, 1] and every label 0 or 1 (else the sums are meaningless).</returns>
    public static bool Accumulate<T, TRule>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> correct, TRule rule, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IBinRule
    {
        var vectorized = 0;
        var valid = true;
        if (typeof(TRule) == typeof(EqualWidthRule) && FocalRuntime.ActivePath >= SimdPath.Vector256)
        {
            vectorized = confidences.Length / Lanes * Lanes;
            var equalWidth = (EqualWidthRule)(object)rule;
            valid = ExactBinPass.Applies<T>(equalWidth)
                ? ExactBinPass.AccumulateSums<GapValue>(MemoryMarshal.Cast<T, float>(confidences[..vectorized]), correct, equalWidth, lanes)
                : AccumulateVector256(confidences[..vectorized], correct, equalWidth, lanes);
        }

        return AccumulateScalar(confidences, correct, vectorized, rule, lanes) && valid;
    }

    private static bool AccumulateScalar<T, TRule>(
        ReadOnlySpan<T> confidences, ReadOnlySpan<byte> correct, int start, TRule rule, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IBinRule
    {
        var valid = true;
        for (var i = start; i < confidences.Length; i++)
        {
            var confidence = double.CreateTruncating(confidences[i]);
            var label = correct[i];
            if (!(confidence >= 0 && confidence <= 1) || label > 1)
            {
                valid = false;
                continue;
            }

            lanes[(rule.BinOf(confidence) * Lanes) + (i % Lanes)] += confidence - label;
        }

        return valid;
    }

    /// <summary>
    /// 16 samples at a time: bins from t = c·B in the element type, floor(t) taken as the bin where t's fraction is at least
    /// δ = 4·B·ε from an integer (t is within B·ε/2 of c·B and every edge within 2⁻⁵¹ of k/B, so the rule's bin is then
    /// floor(t)); a group with a sample nearer an edge gets the exact rule, sample by sample. Invalid confidences are binned
    /// as 0, so no slot leaves the bins (the call fails anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AccumulateVector256<T>(ReadOnlySpan<T> confidences, ReadOnlySpan<byte> correct, EqualWidthRule rule, Span<double> lanes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Slots are byte offsets into the sums, so the scalar additions need no index arithmetic. Two groups' slots and gaps:
        // a group's scalar additions run after the next group's vector stage, so their loads find the vector stores retired
        // instead of waiting on store forwarding.
        Span<long> slots = stackalloc long[2 * Lanes];
        Span<double> gaps = stackalloc double[2 * Lanes];
        ref var slotBase = ref MemoryMarshal.GetReference(slots);
        ref var gapBase = ref MemoryMarshal.GetReference(gaps);
        ref var sums = ref MemoryMarshal.GetReference(lanes);
        ref var labels = ref MemoryMarshal.GetReference(correct);
        ref var first = ref MemoryMarshal.GetReference(confidences);
        ref var patterns = ref MemoryMarshal.GetArrayDataReference(LabelPatterns);
        var bins = Vector256.Create(T.CreateTruncating(rule.Bins));
        var margin = T.CreateTruncating(4 * rule.Bins) * (T.BitIncrement(T.One) - T.One);
        var nearLow = Vector256.Create(margin);
        var nearHigh = Vector256<T>.One - nearLow;
        // c·B is clamped to [2δ, B − 2δ]: 0 and 1 (and anything within 2δ/B of them) keep their first and last bins without
        // counting as near an edge.
        var lowest = Vector256.Create(margin + margin);
        var highest = Vector256.Create(T.CreateTruncating(rule.Bins) - margin - margin);
        var outside = Vector256<T>.Zero;
        var largestLabel = Vector128<byte>.Zero;
        for (var offset = 0; offset < confidences.Length; offset += Lanes)
        {
            var label = Vector128.LoadUnsafe(ref labels, (nuint)offset);
            largestLabel = Vector128.Max(largestLabel, label);
            var positives = (int)Vector128.Equals(label, Vector128<byte>.One).ExtractMostSignificantBits();
            var nearEdge = Vector256<T>.Zero;
            var half = (offset / Lanes) & 1;
            ref var slot = ref Unsafe.Add(ref slotBase, half * Lanes);
            ref var gap = ref Unsafe.Add(ref gapBase, half * Lanes);
            for (var lane = 0; lane < Lanes; lane += Vector256<T>.Count)
            {
                var confidence = Vector256.LoadUnsafe(ref first, (nuint)(offset + lane));
                var inside = Vector256.GreaterThanOrEqual(confidence, Vector256<T>.Zero) & Vector256.LessThanOrEqual(confidence, Vector256<T>.One);
                outside |= ~inside;
                confidence = Vector256.ConditionalSelect(inside, confidence, Vector256<T>.Zero);
                var scaled = Vector256.MinNative(Vector256.MaxNative(confidence * bins, lowest), highest);
                var bin = Floor(scaled);
                var fraction = scaled - bin;
                nearEdge |= Vector256.LessThan(fraction, nearLow) | Vector256.GreaterThan(fraction, nearHigh);
                StoreSlots(bin, lane, ref slot);
                StoreGaps(confidence, lane, positives, ref patterns, ref gap);
            }

            if (nearEdge != Vector256<T>.Zero)
                ExactSlots(confidences.Slice(offset, Lanes), rule, ref slot);

            if (offset > 0)
                AddGaps(ref sums, ref Unsafe.Add(ref slotBase, (1 - half) * Lanes), ref Unsafe.Add(ref gapBase, (1 - half) * Lanes));
        }

        if (!confidences.IsEmpty)
        {
            var last = ((confidences.Length / Lanes) - 1) & 1;
            AddGaps(ref sums, ref Unsafe.Add(ref slotBase, last * Lanes), ref Unsafe.Add(ref gapBase, last * Lanes));
        }

        return outside == Vector256<T>.Zero && Vector128.LessThanOrEqualAll(largestLabel, Vector128<byte>.One);
    }

    /// <summary>Adds a group's 16 gaps to their slots (byte offsets into <paramref name="sums"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddGaps(ref double sums, ref long slot, ref double gap)
    {
        for (var quarter = 0; quarter < 4; quarter++)
        {
            Unsafe.AddByteOffset(ref sums, (nint)slot) += gap;
            Unsafe.AddByteOffset(ref sums, (nint)Unsafe.Add(ref slot, 1)) += Unsafe.Add(ref gap, 1);
            Unsafe.AddByteOffset(ref sums, (nint)Unsafe.Add(ref slot, 2)) += Unsafe.Add(ref gap, 2);
            Unsafe.AddByteOffset(ref sums, (nint)Unsafe.Add(ref slot, 3)) += Unsafe.Add(ref gap, 3);
            slot = ref Unsafe.Add(ref slot, 4);
            gap = ref Unsafe.Add(ref gap, 4);
        }
    }

    /// <summary>The slots of 16 samples by the exact rule (an invalid confidence gets bin 0; the call fails anyway).</summary>
    private static void ExactSlots<T>(ReadOnlySpan<T> confidences, EqualWidthRule rule, ref long slot)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var lane = 0; lane < Lanes; lane++)
        {
            var confidence = double.CreateTruncating(confidences[lane]);
            var bin = confidence >= 0 && confidence <= 1 ? rule.BinOf(confidence) : 0;
            Unsafe.Add(ref slot, lane) = ((bin * Lanes) + lane) * sizeof(double);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Floor<T>(Vector256<T> value)
        => typeof(T) == typeof(float) ? Vector256.Floor(value.AsSingle()).As<float, T>() : Vector256.Floor(value.AsDouble()).As<double, T>();

    /// <summary>Slots of the samples from <paramref name="lane"/> on, as byte offsets (bin · 16 + lane) · 8: from float bins
    /// in int32, widened; from double bins, 2⁵² + offset, whose int64 representation less 2⁵²'s is the offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSlots<T>(Vector256<T> bin, int lane, ref long slot)
    {
        if (typeof(T) == typeof(float))
        {
            var slots = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(bin.AsSingle()), 7)
                + Vector256.ShiftLeft(Vector256<int>.Indices + Vector256.Create(lane), 3);
            Vector256.WidenLower(slots).StoreUnsafe(ref slot, (nuint)lane);
            Vector256.WidenUpper(slots).StoreUnsafe(ref slot, (nuint)lane + 4);
        }
        else
        {
            var slots = (bin.AsDouble() * (Lanes * sizeof(double)))
                + ((Vector256<double>.Indices * sizeof(double)) + Vector256.Create(IntegerBias + (lane * sizeof(double))));
            (slots.AsInt64() - Vector256.Create(BitConverter.DoubleToInt64Bits(IntegerBias))).StoreUnsafe(ref slot, (nuint)lane);
        }
    }

    /// <summary>The gaps c − y in double of the samples from <paramref name="lane"/> on (the labels' bits in
    /// <paramref name="positives"/>, sample k at bit k; <paramref name="patterns"/> is <see cref="LabelPatterns"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGaps<T>(Vector256<T> confidence, int lane, int positives, ref double patterns, ref double gap)
    {
        if (typeof(T) == typeof(float))
        {
            var low = Vector256.WidenLower(confidence.AsSingle()) - Vector256.LoadUnsafe(ref patterns, (nuint)(((positives >> lane) & 15) * 4));
            var high = Vector256.WidenUpper(confidence.AsSingle())
                - Vector256.LoadUnsafe(ref patterns, (nuint)(((positives >> (lane + 4)) & 15) * 4));
            low.StoreUnsafe(ref gap, (nuint)lane);
            high.StoreUnsafe(ref gap, (nuint)lane + 4);
        }
        else
        {
            (confidence.AsDouble() - Vector256.LoadUnsafe(ref patterns, (nuint)(((positives >> lane) & 15) * 4))).StoreUnsafe(ref gap, (nuint)lane);
        }
    }
}
