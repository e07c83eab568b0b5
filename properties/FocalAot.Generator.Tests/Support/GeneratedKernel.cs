using System.Numerics;
using System.Reflection;

namespace FocalAot.Generator.Tests.Support;

/// <summary>The entry points of one generated kernel class (e.g. Kernels.Gamma2), bound as delegates.</summary>
internal sealed class GeneratedKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public delegate void ForwardNone(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, FocalLossOptions<T> options);

    public delegate T ForwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalLossOptions<T> options);

    public delegate void BackwardUpstream(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, FocalLossOptions<T> options);

    public delegate void BackwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T upstream, Span<T> gradient, FocalLossOptions<T> options);

    public delegate void ForwardBackwardNone(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, FocalLossOptions<T> options);

    public delegate T ForwardBackwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, FocalLossOptions<T> options);

    public GeneratedKernel(Type type)
    {
        Forward = Bind<ForwardNone>(type, "Forward", optionsOptional: true);
        ForwardReduce = Bind<ForwardReduced>(type, "Forward", optionsOptional: false);
        Backward = Bind<BackwardUpstream>(type, "Backward", optionsOptional: true);
        BackwardReduce = Bind<BackwardReduced>(type, "Backward", optionsOptional: false);
        ForwardBackward = Bind<ForwardBackwardNone>(type, "ForwardBackward", optionsOptional: true);
        ForwardBackwardReduce = Bind<ForwardBackwardReduced>(type, "ForwardBackward", optionsOptional: false);
    }

    public ForwardNone Forward { get; }

    public ForwardReduced ForwardReduce { get; }

    public BackwardUpstream Backward { get; }

    public BackwardReduced BackwardReduce { get; }

    public ForwardBackwardNone ForwardBackward { get; }

    public ForwardBackwardReduced ForwardBackwardReduce { get; }

    /// <summary>
    /// The public static method of <paramref name="type"/> with the delegate's parameter types, as that delegate. Its
    /// last parameter, the options, defaults to <c>default</c> exactly where SigmoidFocalLoss's does (per-element
    /// overloads), and is required on the reduced ones.
    /// </summary>
    private static TDelegate Bind<TDelegate>(Type type, string name, bool optionsOptional)
        where TDelegate : Delegate
    {
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(parameter => parameter.ParameterType).ToArray();
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters);
        Assert.True(method is not null, $"{type.FullName} has no public static {name}({string.Join(", ", parameters.Select(p => p.Name))}).");
        var options = method.GetParameters()[^1];
        Assert.Equal("options", options.Name);
        Assert.True(options.IsOptional == optionsOptional, $"{type.FullName}.{name}: options is {(options.IsOptional ? "optional" : "required")}.");
        return method.CreateDelegate<TDelegate>();
    }
}
