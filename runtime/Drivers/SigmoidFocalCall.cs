using System.Numerics;
using System.Runtime.InteropServices;
using FocalAot.Kernels;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The sigmoid focal-loss operations for one storage type <typeparamref name="TStorage"/> computed in
/// <typeparamref name="T"/>: the argument rules, pinning, the weight sum of a weighted mean, and the kernel call.
/// Every public entry point (<see cref="SigmoidFocalLoss"/>, generated kernels) forwards here with its runner.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208",
    Justification = "Errors name the option (gamma, alpha, classAlpha, weights, reduction) that breaks its rule.")]
internal static unsafe class SigmoidFocalCall<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static void Forward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, Span<TStorage> losses,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: false);
        ValidateOutput(logits, targets, options, losses, nameof(losses));
        fixed (TStorage* x = logits, y = targets, w = options.Weights, loss = losses)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            Run<ForwardMode, TRunner>(runner, Rescanned(targets, losses), options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, 1, 1) with { Losses = loss });
        }
    }

    public static TStorage Forward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: true);
        fixed (TStorage* x = logits, y = targets, w = options.Weights)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            var denominator = Denominator(options, w, logits.Length);
            var sum = Run<ForwardMode, TRunner>(runner, targets, options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, 1, 1));
            return ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(sum / denominator));
        }
    }

    public static void Backward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, ReadOnlySpan<TStorage> upstream,
        Span<TStorage> gradient, in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: false);
        SigmoidFocalRules<TStorage>.RequireSameLength(upstream.Length, logits.Length, nameof(upstream));
        ValidateOutput(logits, targets, options, gradient, nameof(gradient), upstream);
        fixed (TStorage* x = logits, y = targets, w = options.Weights, up = upstream, grad = gradient)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            Run<BackwardUpstreamMode, TRunner>(runner, Rescanned(targets, gradient), options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, 1, 1) with { Upstream = up, Gradient = grad });
        }
    }

    public static void Backward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, TStorage upstream,
        Span<TStorage> gradient, in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: true);
        ValidateOutput(logits, targets, options, gradient, nameof(gradient));
        fixed (TStorage* x = logits, y = targets, w = options.Weights, grad = gradient)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            var denominator = Denominator(options, w, logits.Length);
            Run<BackwardMode, TRunner>(runner, Rescanned(targets, gradient), options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, ElementStorage.ToDouble(upstream), denominator) with { Gradient = grad });
        }
    }

    public static void ForwardBackward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, Span<TStorage> losses,
        Span<TStorage> gradient, in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: false);
        ValidateOutput(logits, targets, options, losses, nameof(losses));
        ValidateOutput(logits, targets, options, gradient, nameof(gradient));
        if (losses.Overlaps(gradient))
            throw new ArgumentException("gradient must not overlap losses.", nameof(gradient));
        fixed (TStorage* x = logits, y = targets, w = options.Weights, loss = losses, grad = gradient)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            Run<FusedMode, TRunner>(runner, Rescanned(targets, losses, gradient), options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, 1, 1) with { Losses = loss, Gradient = grad });
        }
    }

    public static TStorage ForwardBackward<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, Span<TStorage> gradient,
        in FocalLossOptions<TStorage> options)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, options, reduced: true);
        ValidateOutput(logits, targets, options, gradient, nameof(gradient));
        fixed (TStorage* x = logits, y = targets, w = options.Weights, grad = gradient)
        fixed (double* classAlpha = options.ClassAlpha)
        {
            var denominator = Denominator(options, w, logits.Length);
            var sum = Run<FusedMode, TRunner>(runner, Rescanned(targets, gradient), options.Weights,
                Arguments(x, y, w, classAlpha, options, logits.Length, 1, denominator) with { Gradient = grad });
            return ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(sum / denominator));
        }
    }

    private static KernelArguments<TStorage, T> Arguments(
        TStorage* logits, TStorage* targets, TStorage* weights, double* classAlpha, in FocalLossOptions<TStorage> options,
        int length, double upstream, double denominator)
        => new()
        {
            Logits = logits,
            Targets = targets,
            Weights = options.Weights.IsEmpty ? null : weights,
            ClassAlpha = options.ClassAlpha.IsEmpty ? null : classAlpha,
            ClassCount = options.ClassAlpha.Length,
            Length = length,
            // Per-class α replaces the scalar one; α weighting is then on (its weights come per element).
            Parameters = new(options.ClassAlpha.IsEmpty ? options.Alpha : 0, upstream, denominator, options.PolyEpsilon),
        };

    /// <summary>
    /// What the reduced sum is divided by; for a weighted mean, the canonical sum of the weights (the kernel checks the
    /// weights, so a broken one fails the call after the pass whatever this sum is).
    /// </summary>
    private static double Denominator(in FocalLossOptions<TStorage> options, TStorage* weights, int length)
        => options.Reduction.Kind == FocalReductionKind.WeightedMean && !options.Weights.IsEmpty
            ? WeightSum.Compute<TStorage, T>(weights, length)
            : options.Reduction.Denominator(length, length);

    /// <summary>
    /// The targets an error after the pass may rescan: none when an output was written over them (the call checked
    /// them before the pass, and a rescan would read outputs).
    /// </summary>
    private static ReadOnlySpan<TStorage> Rescanned(ReadOnlySpan<TStorage> targets, Span<TStorage> output, Span<TStorage> other = default)
        => output.Overlaps(targets) || other.Overlaps(targets) ? default : targets;

    private static double Run<TMode, TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> targets, ReadOnlySpan<TStorage> weights, in KernelArguments<TStorage, T> arguments)
        where TMode : struct, IKernelMode
        where TRunner : struct, IKernelRunner<T>
    {
        if (arguments.Length == 0)
            return 0;
        var result = runner.Run<TStorage, TMode>(arguments);
        if (result.InvalidInputs)
        {
            throw SigmoidFocalRules<TStorage>.InvalidTarget(targets) ?? WeightRule.FirstBroken(weights)
                ?? (Exception)new InvalidOperationException("The kernel reported an invalid target or weight that a rescan did not find.");
        }

        return result.Sum;
    }

    private static void ValidateCommon<TRunner>(
        in TRunner runner, ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, in FocalLossOptions<TStorage> options,
        bool reduced)
        where TRunner : struct, IKernelRunner<T>
    {
        if (!ElementStorage.IsSupported<TStorage>())
        {
            throw new NotSupportedException(
                $"Element type {typeof(TStorage).Name} is not supported; use float, double, Half or BFloat16.");
        }

        SigmoidFocalRules<TStorage>.RequireSameLength(targets.Length, logits.Length, nameof(targets));
        runner.Validate(options);
        SigmoidFocalRules<TStorage>.ValidateOptions(options, logits.Length, reduced);
    }

    private static void ValidateOutput(
        ReadOnlySpan<TStorage> logits, ReadOnlySpan<TStorage> targets, in FocalLossOptions<TStorage> options, Span<TStorage> output,
        string parameterName, ReadOnlySpan<TStorage> upstream = default)
    {
        SigmoidFocalRules<TStorage>.RequireSameLength(output.Length, logits.Length, parameterName);
        RequireNoPartialOverlap(output, logits, parameterName, nameof(logits));
        RequireNoPartialOverlap(output, targets, parameterName, nameof(targets));
        RequireNoPartialOverlap(output, upstream, parameterName, nameof(upstream));

        // Weights and class α are read throughout the pass (by every thread), so no output may be written over them.
        if (output.Overlaps(options.Weights))
            throw new ArgumentException($"{parameterName} must not overlap weights.", parameterName);
        if (MemoryMarshal.AsBytes(output).Overlaps(MemoryMarshal.AsBytes(options.ClassAlpha)))
            throw new ArgumentException($"{parameterName} must not overlap classAlpha.", parameterName);

        // The kernel checks targets as it goes and the error is reported after the pass, from a rescan; an
        // output written over the targets would leave nothing to rescan, so such a call checks them first.
        if (output.Overlaps(targets) && SigmoidFocalRules<TStorage>.InvalidTarget(targets) is { } error)
            throw error;
    }

    // Writing in place over an input is fine (each element is read before it is written); a shifted overlap is not.
    private static void RequireNoPartialOverlap(ReadOnlySpan<TStorage> output, ReadOnlySpan<TStorage> input, string outputName, string inputName)
    {
        if (output.Overlaps(input, out var offset) && offset != 0)
            throw new ArgumentException($"{outputName} must not partially overlap {inputName} (in place is allowed).", outputName);
    }
}
