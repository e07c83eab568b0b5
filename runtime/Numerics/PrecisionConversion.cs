using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FocalAot.Numerics;

/// <summary>
/// float ⇄ double over spans. Widening is exact and narrowing rounds to nearest, so the result does not
/// depend on the instructions used: this uses the widest accelerated ones whatever path the kernels run.
/// </summary>
internal static class PrecisionConversion
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= (nuint)source.Length; i += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                lower.StoreUnsafe(ref dst, i);
                upper.StoreUnsafe(ref dst, i + 4);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= (nuint)source.Length; i += 4)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref src, i));
                lower.StoreUnsafe(ref dst, i);
                upper.StoreUnsafe(ref dst, i + 2);
            }
        }

        for (; i < (nuint)source.Length; i++)
            destination[(int)i] = source[(int)i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow(ReadOnlySpan<double> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= (nuint)source.Length; i += 8)
                Vector256.Narrow(Vector256.LoadUnsafe(ref src, i), Vector256.LoadUnsafe(ref src, i + 4)).StoreUnsafe(ref dst, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= (nuint)source.Length; i += 4)
                Vector128.Narrow(Vector128.LoadUnsafe(ref src, i), Vector128.LoadUnsafe(ref src, i + 2)).StoreUnsafe(ref dst, i);
        }

        for (; i < (nuint)source.Length; i++)
            destination[(int)i] = (float)source[(int)i];
    }
}
