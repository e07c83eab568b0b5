using System.Numerics;
using FocalAot.Kernels;
using FocalAot.Numerics;

namespace FocalAot.Drivers;

/// <summary>Chooses the modulating factor of a call: from a run-time γ, or a generated power operator.</summary>
internal interface IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Checks the runner's own argument (γ), if it has one.</summary>
    void Validate();

    KernelResult Run<TMode>(in KernelArguments<T> arguments)
        where TMode : struct, IKernelMode;
}

/// <summary>A γ known at run time: its built-in specialization if there is one, else the generic power.</summary>
internal readonly struct RuntimeGammaRunner<T>(double gamma) : IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public void Validate()
    {
        if (!GammaRange.Contains(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, GammaRange.Rule + ".");
    }

    public KernelResult Run<TMode>(in KernelArguments<T> arguments)
        where TMode : struct, IKernelMode
    {
        var visitor = new DispatchVisitor<T, TMode>(arguments);
        return BuiltInKernels.TryDispatch(gamma, PrecisionOf<T>.Value, ref visitor)
            ? visitor.Result
            : new GenericPowerRunner<T>(gamma).Run<TMode>(arguments);
    }
}

/// <summary>The generic kernel: q^γ = exp(γ log q) in double precision, for any γ &gt; 0.</summary>
internal readonly struct GenericPowerRunner<T>(double gamma) : IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public void Validate() => new RuntimeGammaRunner<T>(gamma).Validate();

    public KernelResult Run<TMode>(in KernelArguments<T> arguments)
        where TMode : struct, IKernelMode
        => SigmoidFocalDispatch.RunWith<T, TMode, PowerFactor<T>>(arguments, new PowerFactor<T>(gamma));
}

/// <summary>A generated power operator: γ is a compile-time constant.</summary>
internal readonly struct SpecializedRunner<T, TPower> : IKernelRunner<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TPower : struct, IFocalPower
{
    public void Validate()
    {
    }

    public KernelResult Run<TMode>(in KernelArguments<T> arguments)
        where TMode : struct, IKernelMode
        => SigmoidFocalDispatch.RunWith<T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}

/// <summary>Runs the kernel of the power operator a dispatch table found.</summary>
internal struct DispatchVisitor<T, TMode>(KernelArguments<T> arguments) : IFocalPowerVisitor
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TMode : struct, IKernelMode
{
    public KernelResult Result { get; private set; }

    public void Visit<TPower>()
        where TPower : struct, IFocalPower
        => Result = SigmoidFocalDispatch.RunWith<T, TMode, SpecializedFactor<T, TPower>>(arguments, default);
}

/// <summary>The <see cref="Precision"/> of an element type.</summary>
internal static class PrecisionOf<T>
{
    public static Precision Value => typeof(T) == typeof(float) ? Precision.Single : Precision.Double;
}
