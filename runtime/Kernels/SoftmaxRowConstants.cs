using System.Numerics;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// What every class of a softmax row shares: the maximum m, 1/Z, log Z and the complement 1 - p of a class at the
/// maximum, from the number of classes at the maximum (each e = 1 exactly) and the canonical sum of the others' e.
/// </summary>
internal readonly struct SoftmaxRowConstants<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public SoftmaxRowConstants(T max, int classesAtMax, double belowMaxMass)
    {
        // The mass besides one class at the maximum, Z - 1, is a sum of non-negative parts: log Z = log1p(Z - 1) and
        // 1 - p_max = (Z - 1) / Z are exact where Z - 1 is tiny (a confident row).
        var others = (classesAtMax - 1) + belowMaxMass;
        var z = classesAtMax + belowMaxMass;
        var inverseZ = 1 / z;
        Max = max;
        InverseZ = T.CreateTruncating(inverseZ);
        LogZ = T.CreateTruncating(Elementary.Log1p<double, ScalarOps<double>>(others));
        MaxComplement = T.CreateTruncating(others * inverseZ);
    }

    public T Max { get; }

    public T InverseZ { get; }

    public T LogZ { get; }

    /// <summary>q = 1 - p of a class at the maximum.</summary>
    public T MaxComplement { get; }
}
