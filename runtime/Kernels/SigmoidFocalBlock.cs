using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FocalAot.Simd;
using FocalAot.Storage;

namespace FocalAot.Kernels;

/// <summary>
/// Sigmoid focal loss and its gradient over one block (see <see cref="BlockGeometry.BlockSize"/>): the stages of
/// <see cref="SigmoidFocalElement{TVec, T, TOps}"/> as passes, each a short loop over the block that keeps its
/// intermediates in scratch, plus the driver's part of an element (scale, upstream, weights).
/// </summary>
internal sealed class SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode> : SigmoidFocalElement<TVec, T, TOps>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    private SigmoidFocalBlock()
    {
    }

    /// <summary>
    /// Scratch elements <see cref="Run"/> needs: seven block buffers (e, l, σ(|x|), m, the margin power's reduced
    /// arguments, and the widened logits and targets of 16-bit storage), padded to eight so that whatever a caller places
    /// after the scratch keeps its offset from each buffer modulo 4 KiB (a load 4 KiB away from a pending store waits on
    /// it, and the passes were tuned with that layout).
    /// </summary>
    public const int ScratchLength = 8 * BlockGeometry.BlockSize;

    /// <summary>
    /// Processes <paramref name="count"/> elements (a multiple of 16, at most one block). Returns true when
    /// some target is outside [0, 1] or NaN, or some weight is negative or not finite; the outputs are then unspecified.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <paramref name="logits"/> and <paramref name="targets"/> are the caller's, in the compute type or as
    /// <see cref="Half"/> or <see cref="BFloat16"/>. 16-bit ones are widened into scratch by the exp pass, the first to
    /// read them, and the later passes read them there: widening as it reads saves a pass that would store each value
    /// only for the exp pass to reload it.
    /// </para>
    /// <para>
    /// In a <see cref="IKernelMode.PerElementWeights"/> mode, <paramref name="positive"/> and <paramref name="negative"/>
    /// hold each element's α and 1 - α of a per-class α (null references for the scalar α of the parameters), and
    /// <paramref name="weights"/> (a null reference for none) each element's weight,
    /// which multiplies the loss last and the gradient together with its scale (weight 0 gives exactly 0 whatever the logit).
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Run<TStorage>(
        ref readonly TStorage logits, ref readonly TStorage targets, ref readonly T upstream, ref T losses, ref T gradient,
        ref readonly T weights, ref readonly T positive, ref readonly T negative,
        int count, in KernelParameters<T> parameters, in TFactor factor, Span<T> scratch)
        where TStorage : unmanaged
    {
        var e = scratch[..count];
        var l = scratch.Slice(BlockGeometry.BlockSize, count);
        var s = scratch.Slice(2 * BlockGeometry.BlockSize, count);
        var m = scratch.Slice(3 * BlockGeometry.BlockSize, count);
        var reduced = scratch.Slice(4 * BlockGeometry.BlockSize, count);

        ref var x = ref Unsafe.As<TStorage, T>(ref Unsafe.AsRef(in logits));
        ref var y = ref Unsafe.As<TStorage, T>(ref Unsafe.AsRef(in targets));
        bool finiteLogits;
        if (typeof(TStorage) != typeof(T))
        {
            x = ref scratch[5 * BlockGeometry.BlockSize];
            y = ref scratch[6 * BlockGeometry.BlockSize];
            finiteLogits = WideningExpPass(in logits, in targets, ref x, ref y, ref e[0], count);
        }
        else
        {
            finiteLogits = ExpPass(in x, ref e[0], count);
        }

        if (TMode.ComputesLoss || !TFactor.IsIdentity)
            Log1pPass(ref e[0], ref l[0], ref s[0], count);
        // A compile-time test first: double kernels and short powers compile no margin pass at all. A block with a soft
        // label takes the power of q, then the margin power in the lanes whose label is hard, so each element gets the
        // power its label chooses.
        var margin = MarginApplies<TFactor>() ? factor.MarginPower : null;
        var hardLabelsOnly = margin is { } power
            && MarginPowerPass(in power, in x, in y, in e[0], in l[0], ref s[0], ref m[0], ref reduced[0], count);
        if (!TFactor.IsShort && !hardLabelsOnly)
        {
            var hard = SigmoidPass(in x, in y, ref e[0], ref s[0], ref m[0], count, findsHardLabels: margin is not null);
            PairedPower<TVec, T, TOps, TFactor>.InPlace(factor, m);
            if (hard && margin is { } hardPower)
                HardLabelPass(in hardPower, in x, in y, in l[0], ref m[0], count);
        }

        return finiteLogits && parameters.FitsCommonBlock
            ? AlgebraPass<CommonBlock>(in x, in y, in upstream, ref losses, ref gradient, count, parameters, factor, margin is not null,
                hardLabelsOnly, ref e[0], ref l[0], ref s[0], ref m[0], in positive, in negative, in weights)
            : AlgebraPass<GeneralBlock>(in x, in y, in upstream, ref losses, ref gradient, count, parameters, factor, margin is not null,
                hardLabelsOnly, ref e[0], ref l[0], ref s[0], ref m[0], in positive, in negative, in weights);
    }

    /// <summary>e = exp(-|x|) into <paramref name="e"/>.</summary>
    /// <returns>
    /// Whether every logit is finite. Their sum, one addition per register, is finite unless one is infinite or NaN or
    /// the sum overflows; then the general algebra pass (<see cref="GeneralBlock"/>) checks each register, which gives the
    /// same results.
    /// </returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ExpPass(ref readonly T logits, ref T e, int count)
    {
        var sum = Zero;
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var x = TOps.Load(in logits, i);
            sum = TOps.Add(sum, x);
            TOps.Store(Exponential(x), ref e, i);
        }

        return !TOps.AnyLaneSet(NonFinite(sum));
    }

    /// <summary>
    /// The exp pass over 16-bit logits, widening them and the targets into <paramref name="x"/> and <paramref name="y"/>
    /// (<see cref="SixteenBitConversion{TVec, T, TOps}.LoadWidenedFinite"/>); a block with a Half ∞ or NaN logit is then
    /// widened again exactly, and its exp pass run again. Inlined: as a call of its own, its loop reloaded the constants
    /// of the widening and the exp on every register, and the Half call ran about 5% slower.
    /// </summary>
    /// <returns>Whether every logit is finite, as <see cref="ExpPass"/> returns it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WideningExpPass<TStorage>(
        ref readonly TStorage logits, ref readonly TStorage targets, ref T x, ref T y, ref T e, int count)
        where TStorage : unmanaged
    {
        // Half ∞ and NaN come out finite but larger than any finite Half; bfloat16's stay what they are, so they sum. The
        // largest Half magnitude is tracked as the unsigned maximum of the bits shifted left by one (the sign shifted
        // out): two operations that hold no constant register.
        var largest = Zero;
        var sum = Zero;
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var xv = SixteenBitConversion<TVec, T, TOps>.LoadWidenedFinite(in logits, i);
            TOps.Store(xv, ref x, i);
            TOps.Store(SixteenBitConversion<TVec, T, TOps>.LoadWidenedFinite(in targets, i), ref y, i);
            if (typeof(TStorage) == typeof(Half))
                largest = TOps.MaxUInt32Parts(largest, TOps.ShiftLeftBits(xv, 1));
            else
                sum = TOps.Add(sum, xv);
            TOps.Store(Exponential(xv), ref e, i);
        }

        if (typeof(TStorage) != typeof(Half))
            return !TOps.AnyLaneSet(NonFinite(sum));
        var nonFinite = T.CreateTruncating(SixteenBitConversion<TVec, T, TOps>.HalfNonFiniteMagnitude);
        if (!TOps.AnyLaneSet(TOps.GreaterThanOrEqual(TOps.ShiftRightLogicalBits(largest, 1), TOps.Create(nonFinite))))
            return true;
        return ExactExpPass(in logits, ref x, ref e, count);
    }

    /// <summary>The exp pass again over 16-bit logits widened exactly (a block of Half with ∞ or NaN, so seldom run).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe bool ExactExpPass<TStorage>(ref readonly TStorage logits, ref T x, ref T e, int count)
        where TStorage : unmanaged
    {
        var source = (TStorage*)Unsafe.AsPointer(ref Unsafe.AsRef(in logits));
        ElementStorage.ToCompute<TStorage, T, TVec, TOps>(source, count, MemoryMarshal.CreateSpan(ref x, count));
        return ExpPass(in x, ref e, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Log1pPass(ref T e, ref T l, ref T s, int count)
    {
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var ev = TOps.Load(in e, i);
            TOps.Store(Softplus(ev), ref l, i);
            if (SigmoidInLogPass)
                TOps.Store(SigmoidOfAbs(ev), ref s, i);
        }
    }

    /// <summary>
    /// Whether the log1p pass also stores σ(|x|): for a short factor whose algebra needs it (for q, or for the gradient),
    /// so the algebra pass's dependency chain starts after the division, not with it.
    /// </summary>
    private static bool SigmoidInLogPass
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TFactor.IsShort && (TMode.ComputesLoss || !TFactor.IsIdentity) && (TMode.ComputesGradient || !TFactor.IsIdentity);
    }

    /// <summary>Whether σ(|x|) is in scratch for the algebra pass: from the log1p pass, or from the pass of q for a gradient.</summary>
    private static bool SigmoidStored
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => SigmoidInLogPass || (!TFactor.IsShort && TMode.ComputesGradient);
    }

    /// <summary>q into <paramref name="q"/>, and σ(|x|) into <paramref name="s"/> when the gradient needs it.</summary>
    /// <returns>Whether some label is 0 or 1, where <paramref name="findsHardLabels"/> asks (else false).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SigmoidPass(ref readonly T logits, ref readonly T targets, ref T e, ref T s, ref T q, int count, bool findsHardLabels)
    {
        var hard = Zero;
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var ev = TOps.Load(in e, i);
            var sAbs = SigmoidOfAbs(ev);
            if (TMode.ComputesGradient)
                TOps.Store(sAbs, ref s, i);
            var (sigmaX, sigmaMinusX) = Sigmoids(TOps.Load(in logits, i), ev, sAbs);
            var y = TOps.Load(in targets, i);
            TOps.Store(Complement(y, sigmaX, sigmaMinusX), ref q, i);
            if (findsHardLabels)
                hard = TOps.BitwiseOr(hard, HardLabel(y));
        }

        return TOps.AnyLaneSet(hard);
    }

    /// <summary>
    /// m = q^γ into <paramref name="m"/> from each element's margin and l, and σ(|x|) into <paramref name="s"/> when the
    /// gradient needs it. Two loops, each two registers at a time (<see cref="RegisterPairOps{TVec, T, TOps}"/>; an odd
    /// last register is paired with itself): the power's reduced arguments into m and <paramref name="reduced"/>, then
    /// the power from them. Each loop's dependency chains are half the power's, so more of them overlap; in one loop,
    /// 256-bit registers waited on latency.
    /// </summary>
    /// <returns>False, and m unfinished, where the block holds a label strictly between 0 and 1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool MarginPowerPass(
        in MarginPower<T> power, ref readonly T logits, ref readonly T targets, ref readonly T e, ref readonly T l, ref T s, ref T m,
        ref T reduced, int count)
    {
        var width = (nuint)TOps.Count;
        var end = (nuint)count;

        // The largest y (1 - y) of the block, 0 for labels of 0 and 1, costs one max per register instead of a test; a
        // block of soft labels (label smoothing) stops at its first pair.
        var softness = new RegisterPair<TVec>(Zero, Zero);
        for (nuint i = 0; i < end; i += 2 * width)
        {
            var next = Partner(i, end);
            var y = Pair(in targets, i, next);
            softness = RegisterPairOps<TVec, T, TOps>.Max(softness, PairElement.Softness(y));
            if (i == 0 && RegisterPairOps<TVec, T, TOps>.AnyLaneSet(PairElement.IsSoft(softness)))
                return false;
            if (TMode.ComputesGradient)
                Store(PairElement.SigmoidOfAbs(Pair(in e, i, next)), ref s, i, next);
            var margin = PairElement.Margin(Pair(in logits, i, next), y);
            var (t, r) = power.Reduce<RegisterPair<TVec>, RegisterPairOps<TVec, T, TOps>>(margin, Pair(in l, i, next));
            Store(t, ref m, i, next);
            Store(r, ref reduced, i, next);
        }

        if (RegisterPairOps<TVec, T, TOps>.AnyLaneSet(PairElement.IsSoft(softness)))
            return false;

        for (nuint i = 0; i < end; i += 2 * width)
        {
            var next = Partner(i, end);
            var (t, r) = (Pair(in m, i, next), Pair(in reduced, i, next));
            Store(MarginPower<T>.FromReduced<RegisterPair<TVec>, RegisterPairOps<TVec, T, TOps>>(t, r), ref m, i, next);
        }

        return true;
    }

    /// <summary>The margin power into the lanes of <paramref name="m"/> whose label is 0 or 1 (the rest keep the power of q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HardLabelPass(in MarginPower<T> power, ref readonly T logits, ref readonly T targets, ref readonly T l, ref T m, int count)
    {
        var width = (nuint)TOps.Count;
        var end = (nuint)count;
        for (nuint i = 0; i < end; i += 2 * width)
        {
            var next = Partner(i, end);
            var y = Pair(in targets, i, next);
            var hard = PairElement.HardLabel(y);
            if (!RegisterPairOps<TVec, T, TOps>.AnyLaneSet(hard))
                continue;
            var margin = PairElement.Margin(Pair(in logits, i, next), y);
            var fromMargin = power.Invoke<RegisterPair<TVec>, RegisterPairOps<TVec, T, TOps>>(margin, Pair(in l, i, next));
            Store(RegisterPairOps<TVec, T, TOps>.ConditionalSelect(hard, fromMargin, Pair(in m, i, next)), ref m, i, next);
        }
    }

    /// <summary>
    /// The register paired with the one at <paramref name="i"/>: the next, or itself where it is the last of an odd count.
    /// A block holds a multiple of 16 elements, so below 512 bits there is always a next, and the test folds away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Partner(nuint i, nuint end)
    {
        var next = i + (nuint)TOps.Count;
        return 2 * TOps.Count <= BlockGeometry.CanonicalLanes || next < end ? next : i;
    }

    /// <summary>The stages over two registers at once.</summary>
    private abstract class PairElement : SigmoidFocalElement<RegisterPair<TVec>, T, RegisterPairOps<TVec, T, TOps>>;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RegisterPair<TVec> Pair(ref readonly T source, nuint first, nuint second)
        => new(TOps.Load(in source, first), TOps.Load(in source, second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(RegisterPair<TVec> value, ref T destination, nuint first, nuint second)
    {
        TOps.Store(value.Second, ref destination, second);
        TOps.Store(value.First, ref destination, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AlgebraPass<TVariant>(
        ref readonly T logits, ref readonly T targets, ref readonly T upstream, ref T losses, ref T gradient,
        int count, in KernelParameters<T> parameters, in TFactor factor, bool hasMargin, bool hardLabelsOnly,
        ref T e, ref T l, ref T s, ref T m, ref readonly T positive, ref readonly T negative, ref readonly T weights)
        where TVariant : struct, IAlgebraVariant
    {
        var weighted = TMode.PerElementWeights && !Unsafe.IsNullRef(in weights);
        var perClassAlpha = TMode.PerElementWeights && !Unsafe.IsNullRef(in positive);
        var positiveWeight = TOps.Create(parameters.PositiveWeight);
        var negativeWeight = TOps.Create(parameters.NegativeWeight);
        var gradientScale = TOps.Create(parameters.GradientScale);
        var gradientScalePowerOfTwo = TOps.Create(parameters.GradientScalePowerOfTwo);
        var (gammaV, minusTwoGamma) = Focusing(TOps.Create(factor.Gamma));
        var polyEpsilon = TOps.Create(parameters.PolyEpsilon);
        // Poly-1 runs in the weighted modes' general pass only (the backend and Run send it there), so the plain kernels
        // and the common pass drop its code.
        var poly = TMode.PerElementWeights && TVariant.MayAddPolyTerm && parameters.PolyEpsilon != T.Zero;
        var tracked = Zero;

        // The lanes whose power came from the margin (labels of 0 or 1, where the factor has a margin power) take r = p_t.
        var marginLabels = MarginApplies<TFactor>() && TMode.ComputesGradient ? TOps.CreateFromBits(hasMargin ? -1 : 0) : Zero;

        // The bound in a local, so that the loop's test does not sign-extend count on every iteration.
        var end = (nuint)count;
        for (nuint i = 0; i < end; i += (nuint)TOps.Count)
        {
            var x = TOps.Load(in logits, i);
            var y = TOps.Load(in targets, i);
            tracked = Track(tracked, TOps.Add(UnitIntervalMargin(y), Zero));
            var classWeight = perClassAlpha
                ? ClassWeight(y, TOps.Load(in positive, i), TOps.Load(in negative, i))
                : ClassWeight(y, positiveWeight, negativeWeight);
            var ev = TOps.Load(in e, i);

            // Each stage's output: from its pass, or computed here (a short power, and σ(|x|) where no pass stored it: a
            // backward pass at γ = 0, a forward pass's Poly-1); Zero where this mode does not need it, and m = 1 for γ = 0.
            // σ(±x) serve q and the gradient, and Poly-1. Its test repeats !ComputesGradient so that a gradient mode
            // folds it to true: with a bare "|| poly" the JIT kept a runtime test in the loop, and spills around it.
            var logTerm = TMode.ComputesLoss || !TFactor.IsIdentity ? TOps.Load(in l, i) : Zero;
            var (sigmaX, sigmaMinusX) = (Zero, Zero);
            if (TMode.ComputesGradient || (TFactor.IsShort && !TFactor.IsIdentity) || (!TMode.ComputesGradient && poly))
            {
                var sigmaAbs = SigmoidStored ? TOps.Load(in s, i) : SigmoidOfAbs(ev);
                (sigmaX, sigmaMinusX) = Sigmoids(x, ev, sigmaAbs);
            }

            var modulation = TFactor.IsIdentity ? One
                : TFactor.IsShort ? factor.Invoke<TVec, TOps>(Complement(y, sigmaX, sigmaMinusX)) : TOps.Load(in m, i);
            var marginLanes = MarginApplies<TFactor>() && TMode.ComputesGradient && !hardLabelsOnly
                ? TOps.BitwiseAnd(HardLabel(y), marginLabels) : Zero;
            var (loss, grad) = LossAndSlope<TFactor, TMode>(in factor, x, y, classWeight, logTerm, sigmaX, sigmaMinusX, modulation,
                marginLanes, hardLabelsOnly, gammaV, minusTwoGamma, polyEpsilon, poly, finiteLogits: !TVariant.MayBeNonFinite);

            if (TMode.ComputesGradient)
            {
                if (!weighted)
                {
                    grad = TMode.ScalesByUpstreamSpan
                        ? TOps.Multiply(grad, TOps.Load(in upstream, i))
                        : TVariant.SplitsGradientScale
                            ? TOps.Multiply(TOps.Multiply(grad, gradientScale), gradientScalePowerOfTwo)
                            : TOps.Multiply(grad, gradientScale);
                }
                else
                {
                    // The weight joins the scale first: w·(upstream / Σw) of a weighted mean stays in range where
                    // upstream / Σw alone would not (the power of two first, so a subnormal weight is scaled exactly).
                    var w = TOps.Load(in weights, i);
                    grad = TOps.Multiply(grad, TMode.ScalesByUpstreamSpan
                        ? TOps.Multiply(w, TOps.Load(in upstream, i))
                        : TOps.Multiply(TVariant.SplitsGradientScale ? TOps.Multiply(w, gradientScalePowerOfTwo) : w, gradientScale));
                }
            }

            if (TVariant.MayBeNonFinite)
            {
                var nonFinite = NonFinite(x);
                if (TOps.AnyLaneSet(nonFinite))
                    (loss, grad) = RepairNonFinite(x, y, classWeight, nonFinite, loss, grad);
            }

            if (weighted)
            {
                // The loss times the weight, last (the gradient took it with its scale); weight 0 gives exactly +0
                // whatever the logit. Where every logit is finite, a loss is finite and +0 or more (else a target is
                // invalid and the call fails), so its product by w + 0 is already +0 at a weight of ±0. Elsewhere, and
                // for the gradient (of either sign), the lanes of a valid weight above 0 are kept and the others cleared
                // (a mask and logical operations, where a select would blend).
                var w = TOps.Add(TOps.Load(in weights, i), Zero);
                tracked = Track(tracked, w);
                var kept = TOps.LessThan(Zero, w);
                if (TMode.ComputesLoss)
                    loss = TVariant.MayBeNonFinite ? TOps.BitwiseAnd(TOps.Multiply(loss, w), kept) : TOps.Multiply(loss, w);
                if (TMode.ComputesGradient)
                    grad = TOps.BitwiseAnd(grad, kept);
            }

            if (TMode.ComputesLoss)
                TOps.Store(loss, ref losses, i);
            if (TMode.ComputesGradient)
                TOps.Store(grad, ref gradient, i);
        }

        return AnyBroken(tracked);
    }

    /// <summary>
    /// <paramref name="tracked"/> with one more register of values whose rule is "≥ 0 and finite": weights, and
    /// <see cref="SigmoidFocalElement{TVec, T, TOps}.UnitIntervalMargin"/> of targets, which keeps it exactly for y in
    /// [0, 1]. Each lane keeps the unsigned maximum of the bits of <paramref name="valuePlusZero"/>, the value + 0 (which
    /// makes -0 +0; the weighted pass multiplies its losses by that weight too). A negative value, ∞ and NaN have bits at
    /// or above those of +∞ (a double's high half at or above +∞'s), so <see cref="AnyBroken"/> finds a lane that met
    /// one. Two operations per register, the addition included, where testing the rule takes four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Track(TVec tracked, TVec valuePlusZero) => TOps.MaxUInt32Parts(tracked, valuePlusZero);

    /// <summary>
    /// Whether some value that <see cref="Track"/> took broke its rule: a lane whose bits are not those of a finite value
    /// ≥ 0 (<see cref="SigmoidFocalElement{TVec, T, TOps}.ValidWeight"/> of the tracked bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyBroken(TVec tracked) => TOps.AnyLaneSet(TOps.AndNot(AllOnes, ValidWeight(tracked)));
}
