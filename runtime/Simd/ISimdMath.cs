using System.ComponentModel;
using System.Numerics;

namespace FocalAot.Simd;

/// <summary>
/// The register arithmetic the numerics are written in: the exp/log polynomials, the focal algebra and the generated
/// power operators use only these operations. Each SIMD width supplies them with the same IEEE semantics, so every
/// width gives the same bits; the OpenCL renderer supplies them symbolically and records OpenCL C instead.
/// </summary>
/// <typeparam name="TVec">The register type: <typeparamref name="T"/> itself for scalar, a vector of it, or a symbolic value.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Masks are values whose lanes are all-ones (true) or all-zeros (false).
/// Min and Max are only used on non-NaN operands (NaN lanes are repaired by the kernels afterwards),
/// so the platform's native semantics are sufficient. "Bits" operations act on the IEEE-754
/// representation as 32-bit (float) or 64-bit (double) integers.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimdMath<TVec, T>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Create(T value);

    /// <summary>Every lane set to the IEEE bits <paramref name="bits"/> (the low 32 for float).</summary>
    static abstract TVec CreateFromBits(long bits);

    /// <summary>left + right.</summary>
    static abstract TVec Add(TVec left, TVec right);

    /// <summary>left - right.</summary>
    static abstract TVec Subtract(TVec left, TVec right);

    /// <summary>left × right.</summary>
    static abstract TVec Multiply(TVec left, TVec right);

    /// <summary>left / right.</summary>
    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>(a × b) + c: with a single rounding where the hardware fuses it, else a multiply and an add
    /// (<see cref="MultiplyAddMode"/>, one rule for every width of a process).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>c - (a × b): the bits of <see cref="MultiplyAdd"/>(-a, b, c), in one operation where the hardware has one.</summary>
    static abstract TVec MultiplyAddNegated(TVec a, TVec b, TVec c);

    /// <summary>-value.</summary>
    static abstract TVec Negate(TVec value);

    /// <summary>|value|.</summary>
    static abstract TVec Abs(TVec value);

    /// <summary>The correctly rounded square root.</summary>
    static abstract TVec Sqrt(TVec value);

    /// <summary>The larger operand (operands are not NaN).</summary>
    static abstract TVec Max(TVec left, TVec right);

    /// <summary>The smaller operand (operands are not NaN).</summary>
    static abstract TVec Min(TVec left, TVec right);

    /// <summary>Mask of left ≥ right.</summary>
    static abstract TVec GreaterThanOrEqual(TVec left, TVec right);

    /// <summary>Mask of left &lt; right.</summary>
    static abstract TVec LessThan(TVec left, TVec right);

    /// <summary>Mask of left ≤ right.</summary>
    static abstract TVec LessThanOrEqual(TVec left, TVec right);

    /// <summary>Mask of left == right.</summary>
    static abstract TVec Equal(TVec left, TVec right);

    /// <summary>Per lane: <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TVec ConditionalSelect(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary>
    /// Per lane: <paramref name="whenSignSet"/> where the sign bit of <paramref name="value"/> is set (negative values,
    /// -0 and NaNs with the sign set), else <paramref name="whenSignClear"/>; the value itself is the mask, so no
    /// comparison forms one.
    /// </summary>
    static abstract TVec SelectBySign(TVec value, TVec whenSignSet, TVec whenSignClear);

    /// <summary>Bitwise or.</summary>
    static abstract TVec BitwiseOr(TVec left, TVec right);

    /// <summary>Bitwise and.</summary>
    static abstract TVec BitwiseAnd(TVec left, TVec right);

    /// <summary>left &amp; ~right.</summary>
    static abstract TVec AndNot(TVec left, TVec right);

    /// <summary>
    /// True when any lane of <paramref name="mask"/> is set. A symbolic implementation cannot know and answers true, so
    /// the code such a test guards must leave the lanes whose mask is clear unchanged (selects, not branches).
    /// </summary>
    static abstract bool AnyLaneSet(TVec mask);

    /// <summary>The IEEE bits shifted left.</summary>
    static abstract TVec ShiftLeftBits(TVec value, int count);

    /// <summary>The IEEE bits shifted right, filling with zeros.</summary>
    static abstract TVec ShiftRightLogicalBits(TVec value, int count);

    /// <summary>The IEEE bits added as integers.</summary>
    static abstract TVec AddBits(TVec left, TVec right);

    /// <summary>
    /// value^exponent for value in [0, 1] as exp(exponent · log value), evaluated in double precision at this width
    /// (float lanes are widened exactly and rounded once at the end), so the result is accurate for any exponent.
    /// </summary>
    static abstract TVec PowerInDouble(TVec value, double exponent);
}
