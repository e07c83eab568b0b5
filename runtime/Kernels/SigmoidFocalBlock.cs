using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// Sigmoid focal loss and its gradient over one block, as a sequence of passes (see
/// <see cref="BlockGeometry.BlockSize"/>). The numerics, for logit x and target y:
/// e = exp(-|x|), l = log1p(e), BCE = l + y max(-x, 0) + (1 - y) max(x, 0),
/// σ(±x) from e, q = y σ(-x) + (1 - y) σ(x), m = q^γ, loss = α_t m BCE,
/// dloss/dx = α_t m [γ (1 - 2y) r BCE + (p - y)] with r = σ(x) σ(-x) / q.
/// Every term is a sum of non-negative parts or an exact select, so nothing cancels.
/// </summary>
internal static class SigmoidFocalBlock<TVec, T, TOps, TFactor, TMode>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
    where TMode : struct, IKernelMode
{
    /// <summary>Scratch elements <see cref="Run"/> needs.</summary>
    public const int ScratchLength = 4 * BlockGeometry.BlockSize;

    /// <summary>
    /// Processes <paramref name="count"/> elements (a multiple of 16, at most one block). Returns true when
    /// some target is outside [0, 1] or NaN, or some weight is negative or not finite; the outputs are then unspecified.
    /// </summary>
    /// <remarks>
    /// In a <see cref="IKernelMode.PerElementWeights"/> mode, <paramref name="positive"/> and <paramref name="negative"/>
    /// hold each element's α and 1 - α, and <paramref name="weights"/> (a null reference for none) each element's weight,
    /// which multiplies the loss last and the gradient together with its scale (weight 0 gives exactly 0 whatever the logit).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Run(
        ref readonly T logits, ref readonly T targets, ref readonly T upstream, ref T losses, ref T gradient,
        ref readonly T weights, ref readonly T positive, ref readonly T negative,
        int count, in KernelParameters<T> parameters, in TFactor factor, Span<T> scratch)
    {
        var e = scratch[..count];
        var l = scratch.Slice(BlockGeometry.BlockSize, count);
        var s = scratch.Slice(2 * BlockGeometry.BlockSize, count);
        var m = scratch.Slice(3 * BlockGeometry.BlockSize, count);

        ExpPass(in logits, ref e[0], count);
        if (TMode.ComputesLoss || !TFactor.IsIdentity)
            Log1pPass(ref e[0], ref l[0], count);
        if (!TFactor.IsIdentity)
        {
            SigmoidPass(in logits, in targets, ref e[0], ref s[0], ref m[0], count);
            PowerPass(factor, ref m[0], count);
        }

        return AlgebraPass(in logits, in targets, in upstream, ref losses, ref gradient, count, parameters, factor.Gamma,
            ref e[0], ref l[0], ref s[0], ref m[0], in positive, in negative, in weights);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpPass(ref readonly T logits, ref T e, int count)
    {
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var x = TOps.Load(in logits, i);
            TOps.Store(Elementary.Exp<TVec, T, TOps>(TOps.Negate(TOps.Abs(x))), ref e, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Log1pPass(ref T e, ref T l, int count)
    {
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
            TOps.Store(Elementary.Log1pUnit<TVec, T, TOps>(TOps.Load(in e, i)), ref l, i);
    }

    /// <summary>q into <paramref name="q"/>, and σ(|x|) = 1 / (1 + e) into <paramref name="s"/> when the gradient needs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SigmoidPass(ref readonly T logits, ref readonly T targets, ref T e, ref T s, ref T q, int count)
    {
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var x = TOps.Load(in logits, i);
            var y = TOps.Load(in targets, i);
            var ev = TOps.Load(in e, i);
            var sAbs = TOps.Divide(One, TOps.Add(One, ev));
            var (sigmaX, sigmaMinusX) = Sigmoids(x, ev, sAbs);
            if (TMode.ComputesGradient)
                TOps.Store(sAbs, ref s, i);
            TOps.Store(TOps.MultiplyAdd(y, sigmaMinusX, TOps.Multiply(TOps.Subtract(One, y), sigmaX)), ref q, i);
        }
    }

    /// <summary>q → q^γ in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PowerPass(in TFactor factor, ref T q, int count)
    {
        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
            TOps.Store(factor.Invoke<TVec, TOps>(TOps.Load(in q, i)), ref q, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AlgebraPass(
        ref readonly T logits, ref readonly T targets, ref readonly T upstream, ref T losses, ref T gradient,
        int count, in KernelParameters<T> parameters, T gamma, ref T e, ref T l, ref T s, ref T m,
        ref readonly T positive, ref readonly T negative, ref readonly T weights)
    {
        var weighted = TMode.PerElementWeights && !Unsafe.IsNullRef(in weights);
        var positiveWeight = TOps.Create(parameters.PositiveWeight);
        var negativeWeight = TOps.Create(parameters.NegativeWeight);
        var weightOffset = TOps.Create(parameters.WeightOffset);
        var gradientScale = TOps.Create(parameters.GradientScale);
        var gradientScalePowerOfTwo = TOps.Create(parameters.GradientScalePowerOfTwo);
        var gammaV = TOps.Create(gamma);
        var minusTwoGamma = TOps.Create(-(gamma + gamma));
        var largest = TOps.Create(T.CreateTruncating(typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue));
        var allOnes = TOps.CreateFromBits(-1);
        var invalid = TOps.Create(T.Zero);

        for (nuint i = 0; i < (nuint)count; i += (nuint)TOps.Count)
        {
            var x = TOps.Load(in logits, i);
            var y = TOps.Load(in targets, i);
            invalid = TOps.BitwiseOr(invalid, TOps.AndNot(allOnes,
                TOps.BitwiseAnd(TOps.GreaterThanOrEqual(y, Zero), TOps.LessThanOrEqual(y, One))));

            // ±∞ behaves as ±T.MaxValue (exact limits for the gradient); the loss is repaired below.
            var xc = TOps.Min(TOps.Max(x, TOps.Negate(largest)), largest);
            var oneMinusY = TOps.Subtract(One, y);
            var classWeight = TMode.PerElementWeights
                ? TOps.MultiplyAdd(y, TOps.Load(in positive, i), TOps.MultiplyAdd(oneMinusY, TOps.Load(in negative, i), weightOffset))
                : TOps.MultiplyAdd(y, positiveWeight, TOps.MultiplyAdd(oneMinusY, negativeWeight, weightOffset));
            var modulation = TFactor.IsIdentity ? One : TOps.Load(in m, i);

            // BCE feeds the loss and, when γ ≠ 0, the focusing term of the gradient.
            var bce = Zero;
            if (TMode.ComputesLoss || !TFactor.IsIdentity)
            {
                bce = TOps.MultiplyAdd(y, TOps.Max(TOps.Negate(xc), Zero),
                    TOps.MultiplyAdd(oneMinusY, TOps.Max(xc, Zero), TOps.Load(in l, i)));
            }

            // m·BCE first: a tiny m times a huge BCE stays in range where α_t·m alone might not.
            var loss = Zero;
            if (TMode.ComputesLoss)
                loss = TOps.Multiply(classWeight, TFactor.IsIdentity ? bce : TOps.Multiply(modulation, bce));

            var grad = Zero;
            if (TMode.ComputesGradient)
            {
                var ev = TOps.Load(in e, i);
                var sAbs = TFactor.IsIdentity ? TOps.Divide(One, TOps.Add(One, ev)) : TOps.Load(in s, i);
                var (sigmaX, sigmaMinusX) = Sigmoids(xc, ev, sAbs);
                var negativeFraction = TOps.Multiply(oneMinusY, sigmaX);
                var pMinusY = TOps.MultiplyAdd(TOps.Negate(y), sigmaMinusX, negativeFraction);
                var inner = pMinusY;
                if (!TFactor.IsIdentity)
                {
                    var q = TOps.MultiplyAdd(y, sigmaMinusX, negativeFraction);
                    var r = TOps.Divide(TOps.Multiply(sigmaX, sigmaMinusX), TOps.Max(q, TOps.Create(T.Epsilon)));
                    var focusing = TOps.MultiplyAdd(y, minusTwoGamma, gammaV);
                    inner = TOps.MultiplyAdd(TOps.Multiply(focusing, r), bce, pMinusY);
                }

                grad = TOps.Multiply(TFactor.IsIdentity ? classWeight : TOps.Multiply(classWeight, modulation), inner);
                if (!weighted)
                {
                    grad = TMode.ScalesByUpstreamSpan
                        ? TOps.Multiply(grad, TOps.Load(in upstream, i))
                        : TOps.Multiply(TOps.Multiply(grad, gradientScale), gradientScalePowerOfTwo);
                }
                else
                {
                    // The weight joins the scale first: w·(upstream / Σw) of a weighted mean stays in range where
                    // upstream / Σw alone would not (the power of two first, so a subnormal weight is scaled exactly).
                    var w = TOps.Load(in weights, i);
                    grad = TOps.Multiply(grad, TMode.ScalesByUpstreamSpan
                        ? TOps.Multiply(w, TOps.Load(in upstream, i))
                        : TOps.Multiply(TOps.Multiply(w, gradientScalePowerOfTwo), gradientScale));
                }
            }

            var nonFinite = TOps.AndNot(allOnes, TOps.LessThan(TOps.Abs(x), TOps.Create(T.PositiveInfinity)));
            if (TOps.AnyLaneSet(nonFinite))
            {
                // NaN logits propagate. An infinite logit has infinite loss where its side carries weight
                // (α_t > 0 and q = 1 - p_t > 0, which at x = ±∞ is 1 - y or y), whatever q^γ underflows to.
                var isNaN = TOps.AndNot(allOnes, TOps.Equal(x, x));
                var infiniteSideWeight = TOps.ConditionalSelect(TOps.GreaterThanOrEqual(x, Zero), oneMinusY, y);
                var infiniteLoss = TOps.BitwiseAnd(TOps.AndNot(nonFinite, isNaN),
                    TOps.BitwiseAnd(TOps.LessThan(Zero, classWeight), TOps.LessThan(Zero, infiniteSideWeight)));
                loss = TOps.ConditionalSelect(isNaN, x, TOps.ConditionalSelect(infiniteLoss, TOps.Create(T.PositiveInfinity), loss));
                grad = TOps.ConditionalSelect(isNaN, x, grad);
            }

            if (weighted)
            {
                // The loss times the weight, last (the gradient took it with its scale); weight 0 gives exactly 0
                // whatever the logit.
                var w = TOps.Load(in weights, i);
                invalid = TOps.BitwiseOr(invalid, TOps.AndNot(allOnes,
                    TOps.BitwiseAnd(TOps.GreaterThanOrEqual(w, Zero), TOps.LessThan(w, TOps.Create(T.PositiveInfinity)))));
                var ignored = TOps.Equal(w, Zero);
                if (TMode.ComputesLoss)
                    loss = TOps.ConditionalSelect(ignored, Zero, TOps.Multiply(loss, w));
                if (TMode.ComputesGradient)
                    grad = TOps.ConditionalSelect(ignored, Zero, grad);
            }

            if (TMode.ComputesLoss)
                TOps.Store(loss, ref losses, i);
            if (TMode.ComputesGradient)
                TOps.Store(grad, ref gradient, i);
        }

        return TOps.AnyLaneSet(invalid);
    }

    /// <summary>(σ(x), σ(-x)) from e = exp(-|x|) and σ(|x|) = 1 / (1 + e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec SigmaX, TVec SigmaMinusX) Sigmoids(TVec x, TVec e, TVec sigmaAbs)
    {
        var sigmaMinusAbs = TOps.Multiply(e, sigmaAbs);
        var nonNegative = TOps.GreaterThanOrEqual(x, Zero);
        return (TOps.ConditionalSelect(nonNegative, sigmaAbs, sigmaMinusAbs), TOps.ConditionalSelect(nonNegative, sigmaMinusAbs, sigmaAbs));
    }

    private static TVec Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.Zero);
    }

    private static TVec One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.One);
    }
}
