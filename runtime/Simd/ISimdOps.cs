using System.ComponentModel;
using System.Numerics;

namespace FocalAot.Simd;

/// <summary>
/// One SIMD width: the register arithmetic of <see cref="ISimdMath{TVec, T}"/> plus loads and stores. Kernels (and the
/// power operators the FocalAot generator emits) are written once against these interfaces; each width (scalar,
/// Vector128, Vector256, Vector512) executes the same sequence of IEEE operations and yields the same bits.
/// </summary>
/// <typeparam name="TVec">The register type: <typeparamref name="T"/> itself for scalar, or a vector of it.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimdOps<TVec, T> : ISimdMath<TVec, T>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Number of <typeparamref name="T"/> lanes in <typeparamref name="TVec"/>.</summary>
    static abstract int Count { get; }

    /// <summary>The largest lane of <paramref name="value"/>, which holds no NaN (which of +0 and -0 is unspecified).</summary>
    static abstract T MaxAcross(TVec value);

    /// <summary>How many lanes of <paramref name="mask"/> are set.</summary>
    static abstract int CountSet(TVec mask);

    /// <summary>Whether any lane of <paramref name="value"/> is NaN (one unordered compare and a mask test).</summary>
    static abstract bool AnyNaN(TVec value);

    /// <summary>Loads Count elements from <paramref name="source"/> + <paramref name="elementOffset"/> (no alignment needed).</summary>
    static abstract TVec Load(ref readonly T source, nuint elementOffset);

    /// <summary>Stores Count elements at <paramref name="destination"/> + <paramref name="elementOffset"/>.</summary>
    static abstract void Store(TVec value, ref T destination, nuint elementOffset);

    /// <summary>
    /// Loads Count 16-bit values from <paramref name="source"/> + <paramref name="elementOffset"/>, each sign-extended
    /// into the IEEE bits of one lane (a 16-bit float's sign fills the lane's top bits). Float lanes only: 16-bit
    /// storage computes in float.
    /// </summary>
    static abstract TVec LoadInt16Bits(ref readonly ushort source, nuint elementOffset);

    /// <summary>
    /// Stores the low 16 IEEE bits of each lane at <paramref name="destination"/> + <paramref name="elementOffset"/>.
    /// Float lanes only.
    /// </summary>
    static abstract void StoreUInt16Bits(TVec bits, ref ushort destination, nuint elementOffset);

    /// <summary>
    /// Each 32-bit part of the lanes, the larger of <paramref name="left"/>'s and <paramref name="right"/>'s as an
    /// unsigned integer (a double lane's two halves each on its own): one instruction at every width, for double too.
    /// </summary>
    static abstract TVec MaxUInt32Parts(TVec left, TVec right);
}
