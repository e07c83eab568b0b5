using System.Numerics;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;

namespace FocalAot.Drivers;

/// <summary>Runs a call's kernel at the active SIMD path.</summary>
internal static class SigmoidFocalDispatch
{
    public static KernelResult RunWith<T, TMode, TFactor>(in KernelArguments<T> arguments, in TFactor factor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMode : struct, IKernelMode
        where TFactor : struct, IModulatingFactor<T>
    {
        var threads = FocalRuntime.MaxDegreeOfParallelism;
        return FocalRuntime.ActivePath switch
        {
            SimdPath.Vector512 => KernelDriver<Vector512<T>, T, Vector512Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector256 => KernelDriver<Vector256<T>, T, Vector256Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            SimdPath.Vector128 => KernelDriver<Vector128<T>, T, Vector128Ops<T>, TFactor, TMode>.Run(arguments, factor, threads),
            _ => KernelDriver<T, T, ScalarOps<T>, TFactor, TMode>.Run(arguments, factor, threads),
        };
    }
}
