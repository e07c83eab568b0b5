using System.Numerics;
using FocalAot.Drivers;
using FocalAot.Kernels;

namespace FocalAot.OpenCl;

/// <summary>The program's modulating factor for a call's options, as the CPU runners choose it.</summary>
internal static class OpenClPowerChoice
{
    /// <summary>FLSD-53; else the built-in specialization of γ in <typeparamref name="T"/> (unless declined); else the generic power.</summary>
    public static OpenClPower For<TStorage, T>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (options.SampleDependentGamma)
            return OpenClPower.SampleDependentGamma;
        var gamma = options.Gamma;
        var visitor = default(BuiltInGamma);
        return new((!options.ForceGenericKernel || gamma == 0) && BuiltInKernels.TryDispatch(gamma, PrecisionOf<T>.Value, ref visitor)
            ? visitor.Gamma
            : null);
    }

    private struct BuiltInGamma : IFocalPowerVisitor
    {
        public double? Gamma { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, IFocalPower
            => Gamma = TPower.Gamma;
    }
}
