using System.Numerics;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;

namespace FocalAot.Drivers;

/// <summary>
/// The CPU backend: runs a validated, pinned call with a chosen modulating factor at the active SIMD path, in the
/// plain or the weighted variant of its mode, and the softmax shape's rows. This is the seam where a device backend
/// takes a call instead.
/// </summary>
internal static class CpuBackend
{
    public static KernelResult Run<TStorage, T, TMode, TFactor>(in KernelArguments<TStorage, T> arguments, in TFactor factor)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMode : struct, IKernelMode
        where TFactor : struct, IModulatingFactor<T>
        => arguments.RunsWeightedVariant
            ? RunAtPath<TStorage, T, Weighted<TMode>, TFactor>(arguments, factor)
            : RunAtPath<TStorage, T, TMode, TFactor>(arguments, factor);

    /// <summary>Runs a validated, pinned softmax call at the active SIMD path; returns the sum of the row losses.</summary>
    public static double RunSoftmax<TStorage, T, TMode, TFactor>(in SoftmaxArguments<TStorage> arguments, in TFactor factor)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMode : struct, IKernelMode
        where TFactor : struct, IModulatingFactor<T>
    {
        var threads = FocalRuntime.MaxDegreeOfParallelism;
        return FocalRuntime.ActivePath switch
        {
            SimdPath.Vector512 => SoftmaxDriver<Vector512<T>, TStorage, T, Vector512Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector256 => SoftmaxDriver<Vector256<T>, TStorage, T, Vector256Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector128 => SoftmaxDriver<Vector128<T>, TStorage, T, Vector128Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            _ => SoftmaxDriver<T, TStorage, T, ScalarOps<T>, TFactor, TMode>.Run(arguments, factor, threads),
        };
    }

    private static KernelResult RunAtPath<TStorage, T, TMode, TFactor>(in KernelArguments<TStorage, T> arguments, in TFactor factor)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMode : struct, IKernelMode
        where TFactor : struct, IModulatingFactor<T>
    {
        var threads = FocalRuntime.MaxDegreeOfParallelism;
        return FocalRuntime.ActivePath switch
        {
            SimdPath.Vector512 => KernelDriver<Vector512<T>, TStorage, T, Vector512Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector256 => KernelDriver<Vector256<T>, TStorage, T, Vector256Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector128 => KernelDriver<Vector128<T>, TStorage, T, Vector128Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            _ => KernelDriver<T, TStorage, T, ScalarOps<T>, TFactor, TMode>.Run(arguments, factor, threads),
        };
    }
}
