using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FocalAot.Simd;

namespace FocalAot.Kernels;

/// <summary>
/// q → q^γ in place for an exp·log power (not <see cref="IModulatingFactor{T}.IsShort"/>), two registers at a time
/// (<see cref="RegisterPairOps{TVec, T, TOps}"/>): the power's long dependency chains, interleaved, overlap where one
/// chain alone would wait on latency. An odd last register is paired with itself, so the power is inlined once.
/// </summary>
internal static class PairedPower<TVec, T, TOps, TFactor>
    where TVec : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOps : ISimdOps<TVec, T>
    where TFactor : struct, IModulatingFactor<T>
{
    /// <summary>Replaces each q of <paramref name="q"/> (whole registers: a multiple of the width) by q^γ.</summary>
    /// <remarks>Never inlined: with the power inlined, its caller would exceed the JIT's inlining budget.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void InPlace(in TFactor factor, Span<T> q)
    {
        ref var first = ref MemoryMarshal.GetReference(q);
        var width = (nuint)TOps.Count;
        var end = (nuint)q.Length;
        for (nuint i = 0; i < end; i += 2 * width)
        {
            var next = i + width < end ? i + width : i;
            var pair = factor.Invoke<RegisterPair<TVec>, RegisterPairOps<TVec, T, TOps>>(new(TOps.Load(in first, i), TOps.Load(in first, next)));
            TOps.Store(pair.Second, ref first, next);
            TOps.Store(pair.First, ref first, i);
        }
    }
}
