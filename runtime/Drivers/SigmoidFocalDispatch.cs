using System.Numerics;
using System.Runtime.Intrinsics;
using FocalAot.Kernels;
using FocalAot.Simd;

namespace FocalAot.Drivers;

/// <summary>Picks the kernel instantiation for a call: the modulating factor for γ and the active SIMD path.</summary>
internal static class SigmoidFocalDispatch
{
    public static KernelResult Run<T, TMode>(in KernelArguments<T> arguments, double gamma)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMode : struct, IKernelMode
        => gamma == 0
            ? RunWith<T, TMode, IdentityFactor<T>>(arguments, default)
            : RunWith<T, TMode, PowerFactor<T>>(arguments, new PowerFactor<T>(gamma));

    private static KernelResult RunWith<T, TMode, TFactor>(in KernelArguments<T> arguments, in TFactor factor)
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
