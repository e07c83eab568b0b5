using System.Numerics;

namespace FocalAot.Simd;

/// <summary>
/// The operations the kernels need from one SIMD width. Kernels are written once against this
/// interface; each width (scalar, Vector128, Vector256, Vector512) supplies the same operations,
/// so every width executes the same sequence of IEEE operations and yields the same bits per element.
/// </summary>
/// <typeparam name="TVec">The register type: <typeparamref name="T"/> itself for scalar, or a vector of it.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Masks are values whose lanes are all-ones (true) or all-zeros (false).
/// Min and Max are only used on non-NaN operands (NaN lanes are repaired by the kernels afterwards),
/// so the platform's native semantics are sufficient. "Bits" operations act on the IEEE-754
/// representation as 32-bit (float) or 64-bit (double) integers.
/// </remarks>
internal interface ISimdOps<TVec, T>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Number of <typeparamref name="T"/> lanes in <typeparamref name="TVec"/>.</summary>
    static abstract int Count { get; }

    static abstract TVec Create(T value);

    static abstract TVec CreateFromBits(long bits);

    static abstract TVec Load(ref readonly T source, nuint elementOffset);

    static abstract void Store(TVec value, ref T destination, nuint elementOffset);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Subtract(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>(a × b) + c with a single rounding.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Negate(TVec value);

    static abstract TVec Abs(TVec value);

    static abstract TVec Sqrt(TVec value);

    static abstract TVec Max(TVec left, TVec right);

    static abstract TVec Min(TVec left, TVec right);

    static abstract TVec GreaterThanOrEqual(TVec left, TVec right);

    static abstract TVec LessThan(TVec left, TVec right);

    static abstract TVec LessThanOrEqual(TVec left, TVec right);

    static abstract TVec Equal(TVec left, TVec right);

    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    static abstract TVec Or(TVec left, TVec right);

    static abstract TVec And(TVec left, TVec right);

    /// <summary>left &amp; ~right.</summary>
    static abstract TVec AndNot(TVec left, TVec right);

    /// <summary>True when any lane of <paramref name="mask"/> is set.</summary>
    static abstract bool AnyLaneSet(TVec mask);

    static abstract TVec ShiftLeftBits(TVec value, int count);

    static abstract TVec ShiftRightLogicalBits(TVec value, int count);

    static abstract TVec AddBits(TVec left, TVec right);
}
