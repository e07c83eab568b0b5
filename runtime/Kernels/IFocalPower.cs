using System.ComponentModel;
using System.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>How a power operator evaluates q^γ.</summary>
public enum FocalPowerForm
{
    /// <summary>γ = 0: no modulating factor.</summary>
    Identity = 0,

    /// <summary>Integer γ: multiplications.</summary>
    Chain = 1,

    /// <summary>γ = k + 1/2: a square root and multiplications.</summary>
    HalfChain = 2,

    /// <summary>Any other γ: exp(γ·log q) (<see cref="TranscendentalPower"/>).</summary>
    Transcendental = 3,
}

/// <summary>
/// q^γ for one constant γ, as the FocalAot generator emits it for each <see cref="FocalKernelAttribute"/>: the math
/// of a specialized kernel; the runtime's drivers own loops, tails, threads and reductions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFocalPower
{
    /// <summary>The constant γ.</summary>
    static abstract double Gamma { get; }

    /// <summary>How <see cref="Invoke"/> evaluates the power.</summary>
    static abstract FocalPowerForm Form { get; }

    /// <summary>A short description, e.g. "multiplications".</summary>
    static abstract string Description { get; }

    /// <summary>q^γ for one register of q values in [0, 1], the same operations at every width.</summary>
    static abstract TVec Invoke<TVec, T, TOps>(TVec q)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>;

    /// <summary>
    /// q^(γ - 1) of a <see cref="FocalPowerForm.Chain"/> or <see cref="FocalPowerForm.HalfChain"/> power with γ ≥ 1:
    /// multiplications that share <see cref="Invoke"/>'s squares and root, so the gradient's q^γ / q takes no division.
    /// Other powers throw <see cref="NotSupportedException"/>.
    /// </summary>
    static abstract TVec InvokeMinusOne<TVec, T, TOps>(TVec q)
        where TVec : struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOps : ISimdMath<TVec, T>;
}

/// <summary>Receives the power operator a generated dispatch table found for a run-time γ.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFocalPowerVisitor
{
    /// <summary>Called with the power operator of the matching kernel.</summary>
    void Visit<TPower>()
        where TPower : struct, IFocalPower;
}
