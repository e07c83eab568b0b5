using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// The sigmoid focal loss of one register of elements, in stages: the one recipe of the numerics. The .NET kernels run
/// the stages as passes over a block (<see cref="SigmoidFocalBlock{TVec, T, TOps, TFactor, TMode}"/>); the OpenCL
/// renderer runs them once over symbolic values and records OpenCL C. For logit x and target y:
/// e = exp(-|x|), l = log1p(e), BCE = l + y max(-x, 0) + (1 - y) max(x, 0),
/// σ(±x) from e, q = y σ(-x) + (1 - y) σ(x), m = q^γ (an exp·log power of a label of 0 or 1 as exp(-γ (a + l)) from its
/// margin a, -log q = a + l), loss = α_t m BCE,
/// dloss/dx = α_t m [γ (1 - 2y) r BCE + (p - y)] with r = σ(x) σ(-x) / q, or with m r = q^(γ - 1) σ(x) σ(-x) where
/// q^(γ - 1) is a product (no division). Poly-1 adds ε m q to the loss and ε (γ + 1) m (1 - 2y) σ(x) σ(-x) to the
/// gradient; FLSD-53 takes each lane's γ from its q.
/// Every term is a sum of non-negative parts or an exact select, so nothing cancels.
/// </summary>
/// <remarks>Static members only; the classes that run the stages derive from it to call them by name.</remarks>
internal abstract class SigmoidFocalElement<TVec, T, TOps>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdMath<TVec, T>
{
    private protected SigmoidFocalElement()
    {
    }

    /// <summary>e = exp(-|x|), -|x| as x with its sign bit set (one operation; the same bits as negating |x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exponential(TVec x) => Elementary.Exp<TVec, T, TOps>(TOps.BitwiseOr(x, SignBit));

    /// <summary>l = log1p(e), the softplus of -|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Softplus(TVec e) => Elementary.Log1pUnit<TVec, T, TOps>(e);

    /// <summary>σ(|x|) = 1 / (1 + e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SigmoidOfAbs(TVec e) => TOps.Divide(One, TOps.Add(One, e));

    /// <summary>
    /// (σ(x), σ(-x)) from e = exp(-|x|) and σ(|x|) = 1 / (1 + e): exact selects of σ(|x|) and e σ(|x|) by the sign of x.
    /// At x = -0 both are 1/2 (e = 1 exactly); a NaN logit's lanes are repaired afterwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec SigmaX, TVec SigmaMinusX) Sigmoids(TVec x, TVec e, TVec sigmaAbs)
    {
        var sigmaMinusAbs = TOps.Multiply(e, sigmaAbs);
        return (TOps.SelectBySign(x, sigmaMinusAbs, sigmaAbs), TOps.SelectBySign(x, sigmaAbs, sigmaMinusAbs));
    }

    /// <summary>q = 1 - p_t = y σ(-x) + (1 - y) σ(x), the base of the modulating factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Complement(TVec y, TVec sigmaX, TVec sigmaMinusX)
        => TOps.MultiplyAdd(y, sigmaMinusX, TOps.Multiply(TOps.Subtract(One, y), sigmaX));

    /// <summary>
    /// a = max(x, 0) for a label of 1 and max(-x, 0) for a label of 0, the margin by which x is on its label's side:
    /// q = σ(∓x), so -log q = softplus(±x) = a + l. Meaningless for other labels (see <see cref="SoftLabel"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Margin(TVec x, TVec y) => TOps.Max(TOps.Multiply(x, TOps.MultiplyAdd(y, TOps.Create(T.CreateTruncating(2)), MinusOne)), Zero);

    /// <summary>y (1 - y): 0 for a label of 0 or 1, positive strictly between (labels outside [0, 1] fail the call anyway).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Softness(TVec y) => TOps.Multiply(y, TOps.Subtract(One, y));

    /// <summary>The mask of positive <see cref="Softness"/>: labels strictly between 0 and 1, whose q^γ comes from q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec IsSoft(TVec softness) => TOps.LessThan(Zero, softness);

    /// <summary>The mask of labels strictly between 0 and 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SoftLabel(TVec y) => IsSoft(Softness(y));

    /// <summary>The mask of labels of 0 or 1, whose q^γ comes from the margin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec HardLabel(TVec y) => TOps.Equal(Softness(y), Zero);

    /// <summary>γ and -2γ, the coefficients of the gradient's focusing term γ (1 - 2y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Gamma, TVec MinusTwoGamma) Focusing(TVec gamma) => (gamma, TOps.Negate(TOps.Add(gamma, gamma)));

    /// <summary>
    /// α_t = y w₊ + (1 - y) w₋: α and 1 - α, or 1 and 1 for no α weighting, which gives exactly 1. From y = 1/2 up,
    /// 1 - y is exact; below, it rounds by at most half an ulp of [1/2, 1), so y + (1 - y) is 1 plus at most that, which
    /// rounds to 1 (the tie below 1 to even).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ClassWeight(TVec y, TVec positive, TVec negative)
        => TOps.MultiplyAdd(y, positive, TOps.Multiply(TOps.Subtract(One, y), negative));

    /// <summary>
    /// The mask of targets in [0, 1]: min(y, 1 - y) ≥ 0, which no NaN passes (1 - y rounds to a negative value exactly
    /// when y &gt; 1), two operations besides 1 - y, which the caller's algebra shares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ValidTarget(TVec y) => TOps.GreaterThanOrEqual(UnitIntervalMargin(y), Zero);

    /// <summary>min(y, 1 - y): at least 0 exactly for y in [0, 1], negative outside, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec UnitIntervalMargin(TVec y) => TOps.Min(y, TOps.Subtract(One, y));

    /// <summary>The mask of targets outside [0, 1] or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InvalidTarget(TVec y) => TOps.AndNot(AllOnes, ValidTarget(y));

    /// <summary>The mask of weights that are finite and not negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ValidWeight(TVec w)
        => TOps.BitwiseAnd(TOps.GreaterThanOrEqual(w, Zero), TOps.LessThan(w, TOps.Create(T.PositiveInfinity)));

    /// <summary>The mask of infinite and NaN logits, which <see cref="RepairNonFinite"/> handles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec NonFinite(TVec x) => TOps.AndNot(AllOnes, TOps.LessThan(TOps.Abs(x), TOps.Create(T.PositiveInfinity)));

    /// <summary>
    /// The loss α_t m BCE (+ ε m q for Poly-1) and the unscaled gradient of a register whose l, σ(±x) and m the earlier
    /// stages gave (l only when the loss or the focusing term needs it, σ(±x) when the gradient or Poly-1 does, m = 1
    /// for γ = 0); <paramref name="factor"/> gives m / q = q^(γ - 1) where it is a product
    /// (<see cref="IModulatingFactor{T}.HasShortPowerMinusOne"/>). σ(±x) of x are those of the clamped logit too:
    /// clamping keeps the sign, and a NaN compares false either way. <paramref name="finiteLogits"/> says that the
    /// caller knows every x to be finite, so the clamp, which changes nothing then, is left out. Loss or gradient is
    /// zero when <typeparamref name="TMode"/> does not compute it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Loss, TVec Slope) LossAndSlope<TFactor, TMode>(
        in TFactor factor, TVec x, TVec y, TVec classWeight, TVec l, TVec sigmaX, TVec sigmaMinusX, TVec modulation,
        TVec marginLanes, bool everyLaneMargin, TVec gamma, TVec minusTwoGamma, TVec polyEpsilon, bool poly, bool finiteLogits)
        where TFactor : struct, IModulatingFactor<T>
        where TMode : struct, IKernelMode
    {
        // FLSD-53 chooses γ per lane from q, so its focusing coefficients are per lane too.
        var sampleDependent = typeof(TFactor) == typeof(SampleDependentFactor<T>);
        var q = poly || (sampleDependent && TMode.ComputesGradient) ? Complement(y, sigmaX, sigmaMinusX) : Zero;
        if (sampleDependent && TMode.ComputesGradient)
            (gamma, minusTwoGamma) = Focusing(SampleDependentFactor<T>.GammaOf<TVec, TOps>(q));

        // ±∞ behaves as ±T.MaxValue (exact limits for the gradient); the loss is repaired by RepairNonFinite.
        var largest = TOps.Create(T.CreateTruncating(typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue));
        var xc = finiteLogits ? x : TOps.Min(TOps.Max(x, TOps.Negate(largest)), largest);
        var oneMinusY = TOps.Subtract(One, y);

        // BCE feeds the loss and, when γ ≠ 0, the focusing term of the gradient. Of y max(-x, 0) and (1 - y) max(x, 0)
        // one term is 0, so BCE = l + c x with c = 1 - y for x ≥ +0 and -y for x ≤ -0: one multiply-add, chosen by the
        // sign of x (at ±0 both give l). -y is 0 - y, which needs no sign-mask register: where it gives +0 for -0 (y = 0),
        // c x + l is l either way.
        var bce = Zero;
        if (TMode.ComputesLoss || !TFactor.IsIdentity)
            bce = TOps.MultiplyAdd(TOps.SelectBySign(xc, TOps.Subtract(Zero, y), oneMinusY), xc, l);

        // m·BCE first: a tiny m times a huge BCE stays in range where α_t·m alone might not.
        var loss = Zero;
        if (TMode.ComputesLoss)
            loss = TOps.Multiply(classWeight, TFactor.IsIdentity ? bce : TOps.Multiply(modulation, bce));
        if (TMode.ComputesLoss && poly)
            loss = TOps.MultiplyAdd(polyEpsilon, TOps.Multiply(modulation, q), loss);

        var slope = Zero;
        if (TMode.ComputesGradient)
        {
            var negativeFraction = TOps.Multiply(oneMinusY, sigmaX);
            var pMinusY = TOps.MultiplyAddNegated(y, sigmaMinusX, negativeFraction);
            if (TFactor.IsIdentity)
            {
                slope = TOps.Multiply(classWeight, pMinusY);
            }
            else
            {
                var focusing = TOps.MultiplyAdd(y, minusTwoGamma, gamma);
                if (TFactor.HasShortPowerMinusOne)
                {
                    // m r = q^(γ - 1) σ(x) σ(-x): products only, so m joins (p - y) rather than the whole bracket.
                    var modulationOverQ = factor.InvokeMinusOne<TVec, TOps>(Complement(y, sigmaX, sigmaMinusX));
                    var modulatedRatio = TOps.Multiply(modulationOverQ, TOps.Multiply(sigmaX, sigmaMinusX));
                    var inner = TOps.MultiplyAdd(TOps.Multiply(focusing, modulatedRatio), bce, TOps.Multiply(modulation, pMinusY));
                    slope = TOps.Multiply(classWeight, inner);
                }
                else
                {
                    var qr = sampleDependent ? q : Complement(y, sigmaX, sigmaMinusX);
                    var r = MarginApplies<TFactor>() ? RatioWithMargin(y, oneMinusY, sigmaX, sigmaMinusX, qr, marginLanes, everyLaneMargin)
                        : Ratio(sigmaX, sigmaMinusX, qr);
                    var inner = TOps.MultiplyAdd(TOps.Multiply(focusing, r), bce, pMinusY);
                    slope = TOps.Multiply(TOps.Multiply(classWeight, modulation), inner);
                }
            }

            if (poly)
            {
                // ∂(ε m q)/∂x = ε (γ + 1) m dq/dx, dq/dx = (1 - 2y) σ(x) σ(-x): bounded by |ε| (γ + 1) / 4.
                var slopeOfQ = TOps.Multiply(TOps.MultiplyAdd(y, TOps.Create(T.CreateTruncating(-2)), One),
                    TOps.Multiply(sigmaX, sigmaMinusX));
                var polyFactor = TOps.Multiply(polyEpsilon, TOps.Multiply(TOps.Add(gamma, One), modulation));
                slope = TOps.MultiplyAdd(polyFactor, slopeOfQ, slope);
            }
        }

        return (loss, slope);
    }

    /// <summary>
    /// Whether the power of a factor can come from the margin (<see cref="MarginPower{T}"/>: float, an exp·log power), so
    /// that the gradient of such a lane takes r = p_t.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool MarginApplies<TFactor>()
        where TFactor : struct, IModulatingFactor<T>
        => typeof(T) == typeof(float) && !TFactor.IsShort;

    /// <summary>
    /// r = σ(x) σ(-x) / q, where a lane's power came from its margin (a label of 0 or 1) exactly p_t = y σ(x) + (1 - y)
    /// σ(-x): one term is zero, so no rounding and no division. <paramref name="marginLanes"/> are those lanes, or
    /// <paramref name="everyLane"/> all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec RatioWithMargin(TVec y, TVec oneMinusY, TVec sigmaX, TVec sigmaMinusX, TVec q, TVec marginLanes, bool everyLane)
    {
        var probability = TOps.MultiplyAdd(y, sigmaX, TOps.Multiply(oneMinusY, sigmaMinusX));
        return everyLane ? probability : TOps.ConditionalSelect(marginLanes, probability, Ratio(sigmaX, sigmaMinusX, q));
    }

    /// <summary>r = σ(x) σ(-x) / q: at most 1, and 0 where q = 0 (the divisor kept at least the smallest subnormal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Ratio(TVec sigmaX, TVec sigmaMinusX, TVec q)
        => TOps.Divide(TOps.Multiply(sigmaX, sigmaMinusX), TOps.Max(q, TOps.Create(T.Epsilon)));

    /// <summary>
    /// NaN logits propagate to loss and gradient. An infinite logit has infinite loss where its side carries weight
    /// (α_t &gt; 0 and q = 1 - p_t &gt; 0, which at x = ±∞ is 1 - y or y), whatever q^γ underflows to. Finite lanes are
    /// left as they are.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVec Loss, TVec Gradient) RepairNonFinite(TVec x, TVec y, TVec classWeight, TVec nonFinite, TVec loss, TVec gradient)
    {
        var isNaN = TOps.AndNot(AllOnes, TOps.Equal(x, x));
        var infiniteSideWeight = TOps.ConditionalSelect(TOps.GreaterThanOrEqual(x, Zero), TOps.Subtract(One, y), y);
        var infiniteLoss = TOps.BitwiseAnd(TOps.AndNot(nonFinite, isNaN),
            TOps.BitwiseAnd(TOps.LessThan(Zero, classWeight), TOps.LessThan(Zero, infiniteSideWeight)));
        return (TOps.ConditionalSelect(isNaN, x, TOps.ConditionalSelect(infiniteLoss, TOps.Create(T.PositiveInfinity), loss)),
            TOps.ConditionalSelect(isNaN, x, gradient));
    }

    protected static TVec Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.Zero);
    }

    protected static TVec One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(T.One);
    }

    private static TVec MinusOne
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.Create(-T.One);
    }

    protected static TVec AllOnes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.CreateFromBits(-1);
    }

    private static TVec SignBit
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TOps.CreateFromBits(typeof(T) == typeof(float) ? int.MinValue : long.MinValue);
    }
}
