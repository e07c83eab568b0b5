using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FocalAot.Simd;

/// <summary>
/// Whether <see cref="ISimdMath{TVec, T}.MultiplyAdd"/> is one fused operation (one rounding) or a multiply and an add
/// (two roundings). Fused wherever the hardware fuses: x64 with FMA3 (x86-64-v3 and up) and every arm64. An x64 process
/// without FMA (an x86-64-v2 CPU, a build that targets it — the default of NativeAOT apps — or DOTNET_EnableAVX2=0)
/// multiplies and adds, since a software FMA costs about thirty times as much. Every width of one process follows the
/// same rule, so the widths still agree bit for bit; the two sequences agree within the accuracy bounds.
/// </summary>
internal static class MultiplyAddMode
{
    /// <summary>True when MultiplyAdd rounds once. A constant to the JIT and to NativeAOT; the widths' MultiplyAdd write
    /// the same test out (the output digests of both kinds of process check that they agree).</summary>
    public static bool IsFused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.IsSupported;
    }
}
