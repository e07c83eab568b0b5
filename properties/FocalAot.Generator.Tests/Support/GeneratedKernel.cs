using System.Numerics;
using System.Reflection;

namespace FocalAot.Generator.Tests.Support;

/// <summary>The entry points of one generated kernel class (e.g. Kernels.Gamma2), bound as delegates.</summary>
internal sealed class GeneratedKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public delegate void ForwardNone(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, double alpha);

    public delegate T ForwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, double alpha);

    public delegate void BackwardUpstream(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, double alpha);

    public delegate void BackwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, T upstream, Span<T> gradient, double alpha);

    public delegate void ForwardBackwardNone(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, double alpha);

    public delegate T ForwardBackwardReduced(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, Span<T> gradient, double alpha);

    public GeneratedKernel(Type type)
    {
        Forward = Bind<ForwardNone>(type, "Forward");
        ForwardReduce = Bind<ForwardReduced>(type, "Forward");
        Backward = Bind<BackwardUpstream>(type, "Backward");
        BackwardReduce = Bind<BackwardReduced>(type, "Backward");
        ForwardBackward = Bind<ForwardBackwardNone>(type, "ForwardBackward");
        ForwardBackwardReduce = Bind<ForwardBackwardReduced>(type, "ForwardBackward");
    }

    public ForwardNone Forward { get; }

    public ForwardReduced ForwardReduce { get; }

    public BackwardUpstream Backward { get; }

    public BackwardReduced BackwardReduce { get; }

    public ForwardBackwardNone ForwardBackward { get; }

    public ForwardBackwardReduced ForwardBackwardReduce { get; }

    /// <summary>The public static method of <paramref name="type"/> with the delegate's parameter types, as that delegate.</summary>
    private static TDelegate Bind<TDelegate>(Type type, string name)
        where TDelegate : Delegate
    {
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(parameter => parameter.ParameterType).ToArray();
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters);
        Assert.True(method is not null, $"{type.FullName} has no public static {name}({string.Join(", ", parameters.Select(p => p.Name))}).");
        return method.CreateDelegate<TDelegate>();
    }
}
