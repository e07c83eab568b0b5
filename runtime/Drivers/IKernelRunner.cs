using System.Numerics;
using FocalAot.Kernels;
using FocalAot.Numerics;

namespace FocalAot.Drivers;

/// <summary>Chooses the modulating factor of a call: from the options (γ, FLSD-53), or a generated power operator.</summary>
internal interface IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Checks γ: a run-time γ against its range; a specialized kernel that the caller asks for no other γ.</summary>
    void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged;

    KernelResult Run<TStorage, TMode>(in KernelArguments<TStorage, T> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode;
}

/// <summary>
/// The options' γ: FLSD-53's factor, a built-in specialization if there is one (and not declined), else the generic power.
/// </summary>
internal readonly struct RuntimeGammaRunner<T>(double gamma, bool forceGeneric = false, bool sampleDependent = false) : IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
        => ValidateGamma(gamma);

    public KernelResult Run<TStorage, TMode>(in KernelArguments<TStorage, T> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode
    {
        if (sampleDependent)
            return CpuBackend.Run<TStorage, T, TMode, SampleDependentFactor<T>>(arguments, default);
        var visitor = new DispatchVisitor<TStorage, T, TMode>(arguments);
        var specialize = !forceGeneric || gamma == 0;
        return specialize && BuiltInKernels.TryDispatch(gamma, PrecisionOf<T>.Value, ref visitor)
            ? visitor.Result
            : CpuBackend.Run<TStorage, T, TMode, PowerFactor<T>>(arguments, new PowerFactor<T>(gamma));
    }

    public static void ValidateGamma(double gamma)
    {
        if (!GammaRange.Contains(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, GammaRange.Rule + ".");
    }
}

/// <summary>A generated power operator: γ is a compile-time constant.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "The error names the caller's options argument.")]
internal readonly struct SpecializedRunner<T, TPower> : IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    public void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
    {
        if ((options.HasGamma && options.Gamma != TPower.Gamma) || options.SampleDependentGamma)
        {
            throw new ArgumentException(
                $"This kernel is specialized for gamma = {TPower.Gamma}; the options ask for another gamma (leave Gamma and " +
                "SampleDependentGamma unset, or call SigmoidFocalLoss for a run-time gamma).", nameof(options));
        }
    }

    public KernelResult Run<TStorage, TMode>(in KernelArguments<TStorage, T> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode
        => CpuBackend.Run<TStorage, T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}

/// <summary>Runs the kernel of the power operator a dispatch table found.</summary>
internal struct DispatchVisitor<TStorage, T, TMode>(KernelArguments<TStorage, T> arguments) : IFocalPowerVisitor
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TMode : struct, IKernelMode
{
    public KernelResult Result { get; private set; }

    public void Visit<TPower>()
        where TPower : struct, IFocalPower
        => Result = CpuBackend.Run<TStorage, T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}

/// <summary>The <see cref="Precision"/> of a compute type.</summary>
internal static class PrecisionOf<T>
{
    public static Precision Value => typeof(T) == typeof(float) ? Precision.Single : Precision.Double;
}
