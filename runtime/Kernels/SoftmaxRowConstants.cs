using System.Numerics;
using System.Runtime.CompilerServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// What every class of a softmax row shares: the maximum m, 1/Z, log Z and the complement 1 - p of a class at the
/// maximum, from the number of classes at the maximum (each e = 1 exactly) and the canonical sum of the others' e
/// (<see cref="SoftmaxFocalRowAlgebra{TVec, TOps}.RowConstants"/>).
/// </summary>
internal readonly struct SoftmaxRowConstants<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SoftmaxRowConstants(T max, int classesAtMax, double belowMaxMass)
    {
        var (inverseZ, logZ, maxComplement) = SoftmaxFocalRowAlgebra<double, ScalarOps<double>>.RowConstants(classesAtMax, belowMaxMass);
        Max = max;
        InverseZ = T.CreateTruncating(inverseZ);
        LogZ = T.CreateTruncating(logZ);
        MaxComplement = T.CreateTruncating(maxComplement);
    }

    /// <summary>The constants of a row whose <see cref="SoftmaxFocalRowAlgebra{TVec, TOps}.RowConstants"/> are given (in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SoftmaxRowConstants(T max, double inverseZ, double logZ, double maxComplement)
    {
        Max = max;
        InverseZ = T.CreateTruncating(inverseZ);
        LogZ = T.CreateTruncating(logZ);
        MaxComplement = T.CreateTruncating(maxComplement);
    }

    public T Max { get; }

    public T InverseZ { get; }

    public T LogZ { get; }

    /// <summary>q = 1 - p of a class at the maximum.</summary>
    public T MaxComplement { get; }
}
