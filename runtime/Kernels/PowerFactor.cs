using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q^γ for any γ &gt; 0 as exp(γ log q), evaluated in double precision at the caller's width.
/// </summary>
/// <remarks>
/// In float, log q carries an absolute error near ε·|log q|, which γ turns into a relative error of m
/// of about γ·ε·|log q| (3e-6 for γ = 5 at q = 1e-5): too much for the 2e-6 bound. Widening q is exact,
/// the double evaluation is accurate to ~1e-15, and narrowing rounds once, so every width still
/// produces the same bits.
/// </remarks>
internal readonly struct PowerFactor<T> : IModulatingFactor<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly double gamma;

    public PowerFactor(double gamma)
    {
        this.gamma = gamma;
        Gamma = T.CreateTruncating(gamma);
    }

    public static bool IsIdentity => false;

    public T Gamma { get; }

    public void Apply<TVec, TOps>(Span<T> values)
        where TVec : struct
        where TOps : ISimdOps<TVec, T>
    {
        if (typeof(T) == typeof(double))
        {
            PowerInPlaceAtSameWidth<TOps>(MemoryMarshal.Cast<T, double>(values), gamma);
            return;
        }

        Span<double> wide = stackalloc double[values.Length];
        var narrow = MemoryMarshal.Cast<T, float>(values);
        PrecisionConversion.Widen(narrow, wide);
        PowerInPlaceAtSameWidth<TOps>(wide, gamma);
        PrecisionConversion.Narrow(wide, narrow);
    }

    // Double lanes at the width TOps stands for (a JIT-time type test, no run-time branch).
    private static void PowerInPlaceAtSameWidth<TOps>(Span<double> values, double gamma)
    {
        if (typeof(TOps) == typeof(Vector512Ops<T>))
            PowerInPlace<Vector512<double>, Vector512Ops<double>>(values, gamma);
        else if (typeof(TOps) == typeof(Vector256Ops<T>))
            PowerInPlace<Vector256<double>, Vector256Ops<double>>(values, gamma);
        else if (typeof(TOps) == typeof(Vector128Ops<T>))
            PowerInPlace<Vector128<double>, Vector128Ops<double>>(values, gamma);
        else
            PowerInPlace<double, ScalarOps<double>>(values, gamma);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PowerInPlace<TVec, TOps>(Span<double> values, double gamma)
        where TVec : struct
        where TOps : ISimdOps<TVec, double>
    {
        ref var q = ref MemoryMarshal.GetReference(values);
        var g = TOps.Create(gamma);
        for (nuint i = 0; i < (nuint)values.Length; i += (nuint)TOps.Count)
        {
            var log = Elementary.LogUnit<TVec, double, TOps>(TOps.Load(in q, i));
            TOps.Store(Elementary.Exp<TVec, double, TOps>(TOps.Multiply(g, log)), ref q, i);
        }
    }
}
