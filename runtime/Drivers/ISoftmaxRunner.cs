using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Drivers;

/// <summary>Chooses the modulating factor of a softmax call: from the options (γ, FLSD-53), or a generated power operator.</summary>
internal interface ISoftmaxRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Checks that the options ask for what this runner runs.</summary>
    void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged;

    double Run<TStorage, TMode>(in SoftmaxArguments<TStorage> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode;
}

/// <summary>The options' γ: FLSD-53's factor, a built-in specialization (unless declined), or the generic power.</summary>
internal readonly struct RuntimeSoftmaxRunner<T>(double gamma, bool forceGeneric, bool sampleDependent) : ISoftmaxRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
    {
    }

    public double Run<TStorage, TMode>(in SoftmaxArguments<TStorage> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode
    {
        if (sampleDependent)
            return CpuBackend.RunSoftmax<TStorage, T, TMode, SampleDependentFactor<T>>(arguments, default);
        var visitor = new SoftmaxDispatchVisitor<TStorage, T, TMode>(arguments);
        return (!forceGeneric || gamma == 0) && BuiltInKernels.TryDispatch(gamma, PrecisionOf<T>.Value, ref visitor)
            ? visitor.Sum
            : CpuBackend.RunSoftmax<TStorage, T, TMode, PowerFactor<T>>(arguments, new PowerFactor<T>(gamma));
    }
}

/// <summary>A generated power operator: γ is a compile-time constant, and the options may not ask for another.</summary>
internal readonly struct SpecializedSoftmaxRunner<T, TPower> : ISoftmaxRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    public void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
    {
        if ((options.HasGamma && options.Gamma != TPower.Gamma) || options.SampleDependentGamma)
        {
            throw new ArgumentException(
                $"This kernel is specialized for gamma = {TPower.Gamma}; the options ask for another gamma (leave Gamma and "
                + "SampleDependentGamma unset, or call SoftmaxFocalLoss).", nameof(options));
        }
    }

    public double Run<TStorage, TMode>(in SoftmaxArguments<TStorage> arguments)
        where TStorage : unmanaged
        where TMode : struct, IKernelMode
        => CpuBackend.RunSoftmax<TStorage, T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}

/// <summary>Runs the softmax kernel with the power operator a dispatch table found.</summary>
internal struct SoftmaxDispatchVisitor<TStorage, T, TMode>(SoftmaxArguments<TStorage> arguments) : IFocalPowerVisitor
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TMode : struct, IKernelMode
{
    public double Sum { get; private set; }

    public void Visit<TPower>()
        where TPower : struct, IFocalPower
        => Sum = CpuBackend.RunSoftmax<TStorage, T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}
