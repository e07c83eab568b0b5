using System.Runtime.CompilerServices;

namespace FocalAot.Simd;

/// <summary>The rule of <see cref="ISimdOps{TVec, T}.LoadInt16Bits"/> and its store: 16-bit storage widens into float lanes.</summary>
internal static class SixteenBitLanes
{
    /// <summary>Throws unless <typeparamref name="T"/> is float (a constant test the JIT removes for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireSingle<T>()
    {
        if (typeof(T) != typeof(float))
            throw new NotSupportedException($"16-bit values are widened into float lanes, not {typeof(T).Name} lanes.");
    }
}
