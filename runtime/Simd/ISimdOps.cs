using System.ComponentModel;
using System.Numerics;

namespace FocalAot.Simd;

/// <summary>
/// The operations the kernels need from one SIMD width. Kernels (and the power operators the FocalAot generator
/// emits) are written once against this interface; each width (scalar, Vector128, Vector256, Vector512) supplies
/// the same operations, so every width executes the same sequence of IEEE operations and yields the same bits.
/// </summary>
/// <typeparam name="TVec">The register type: <typeparamref name="T"/> itself for scalar, or a vector of it.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Masks are values whose lanes are all-ones (true) or all-zeros (false).
/// Min and Max are only used on non-NaN operands (NaN lanes are repaired by the kernels afterwards),
/// so the platform's native semantics are sufficient. "Bits" operations act on the IEEE-754
/// representation as 32-bit (float) or 64-bit (double) integers.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimdOps<TVec, T>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Number of <typeparamref name="T"/> lanes in <typeparamref name="TVec"/>.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Create(T value);

    /// <summary>Every lane set to the IEEE bits <paramref name="bits"/> (the low 32 for float).</summary>
    static abstract TVec CreateFromBits(long bits);

    /// <summary>Loads Count elements from <paramref name="source"/> + <paramref name="elementOffset"/> (no alignment needed).</summary>
    static abstract TVec Load(ref readonly T source, nuint elementOffset);

    /// <summary>Stores Count elements at <paramref name="destination"/> + <paramref name="elementOffset"/>.</summary>
    static abstract void Store(TVec value, ref T destination, nuint elementOffset);

    /// <summary>left + right.</summary>
    static abstract TVec Add(TVec left, TVec right);

    /// <summary>left - right.</summary>
    static abstract TVec Subtract(TVec left, TVec right);

    /// <summary>left × right.</summary>
    static abstract TVec Multiply(TVec left, TVec right);

    /// <summary>left / right.</summary>
    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>(a × b) + c with a single rounding.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

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

    /// <summary>Bitwise or.</summary>
    static abstract TVec BitwiseOr(TVec left, TVec right);

    /// <summary>Bitwise and.</summary>
    static abstract TVec BitwiseAnd(TVec left, TVec right);

    /// <summary>left &amp; ~right.</summary>
    static abstract TVec AndNot(TVec left, TVec right);

    /// <summary>True when any lane of <paramref name="mask"/> is set.</summary>
    static abstract bool AnyLaneSet(TVec mask);

    /// <summary>The IEEE bits shifted left.</summary>
    static abstract TVec ShiftLeftBits(TVec value, int count);

    /// <summary>The IEEE bits shifted right, filling with zeros.</summary>
    static abstract TVec ShiftRightLogicalBits(TVec value, int count);

    /// <summary>The IEEE bits added as integers.</summary>
    static abstract TVec AddBits(TVec left, TVec right);

    /// <summary>
    /// Loads Count 16-bit values from <paramref name="source"/> + <paramref name="elementOffset"/>, each zero-extended
    /// into the IEEE bits of one lane. Float lanes only: 16-bit storage computes in float.
    /// </summary>
    static abstract TVec LoadUInt16Bits(ref readonly ushort source, nuint elementOffset);

    /// <summary>
    /// Stores the low 16 IEEE bits of each lane at <paramref name="destination"/> + <paramref name="elementOffset"/>.
    /// Float lanes only.
    /// </summary>
    static abstract void StoreUInt16Bits(TVec bits, ref ushort destination, nuint elementOffset);

    /// <summary>
    /// value^exponent for value in [0, 1] as exp(exponent · log value), evaluated in double precision at this width
    /// (float lanes are widened exactly and rounded once at the end), so the result is accurate for any exponent.
    /// </summary>
    static abstract TVec PowerInDouble(TVec value, double exponent);
}
