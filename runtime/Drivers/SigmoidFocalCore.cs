using System.Globalization;
using System.Numerics;
using FocalAot.Kernels;

namespace FocalAot.Drivers;

/// <summary>
/// The sigmoid focal-loss operations for one element type: argument rules, pinning, and the kernel call.
/// The public <see cref="SigmoidFocalLoss"/> overloads forward here.
/// </summary>
internal static unsafe class SigmoidFocalCore<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Each operation takes the runner that picks the modulating factor (a run-time γ or a generated power).
    public static void Forward<TRunner>(in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        ValidateOutput(logits, targets, losses, nameof(losses));
        fixed (T* x = logits, y = targets, loss = losses)
            Run<ForwardMode, TRunner>(runner, targets, new() { Logits = x, Targets = y, Losses = loss, Length = logits.Length, Parameters = new(alpha, 1, 1) });
    }

    public static T Forward<TRunner>(in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        reduction.Validate(nameof(reduction));
        fixed (T* x = logits, y = targets)
        {
            var sum = Run<ForwardMode, TRunner>(runner, targets, new() { Logits = x, Targets = y, Length = logits.Length, Parameters = new(alpha, 1, 1) });
            return T.CreateTruncating(CanonicalSum.Canonicalize(sum / reduction.Denominator(logits.Length)));
        }
    }

    public static void Backward<TRunner>(
        in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> upstream, Span<T> gradient, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        RequireSameLength(upstream.Length, logits.Length, nameof(upstream));
        ValidateOutput(logits, targets, gradient, nameof(gradient), upstream);
        fixed (T* x = logits, y = targets, up = upstream, grad = gradient)
        {
            Run<BackwardUpstreamMode, TRunner>(runner, targets,
                new() { Logits = x, Targets = y, Upstream = up, Gradient = grad, Length = logits.Length, Parameters = new(alpha, 1, 1) });
        }
    }

    public static void Backward<TRunner>(
        in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, T upstream,
        Span<T> gradient, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        reduction.Validate(nameof(reduction));
        ValidateOutput(logits, targets, gradient, nameof(gradient));
        fixed (T* x = logits, y = targets, grad = gradient)
        {
            Run<BackwardMode, TRunner>(runner, targets,
                new() { Logits = x, Targets = y, Gradient = grad, Length = logits.Length, Parameters = new(alpha, double.CreateTruncating(upstream), reduction.Denominator(logits.Length)) });
        }
    }

    public static void ForwardBackward<TRunner>(
        in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses, Span<T> gradient, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        ValidateOutput(logits, targets, losses, nameof(losses));
        ValidateOutput(logits, targets, gradient, nameof(gradient));
        if (losses.Overlaps(gradient))
            throw new ArgumentException("gradient must not overlap losses.", nameof(gradient));
        fixed (T* x = logits, y = targets, loss = losses, grad = gradient)
        {
            Run<FusedMode, TRunner>(runner, targets,
                new() { Logits = x, Targets = y, Losses = loss, Gradient = grad, Length = logits.Length, Parameters = new(alpha, 1, 1) });
        }
    }

    public static T ForwardBackward<TRunner>(
        in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, FocalReduction reduction, Span<T> gradient,
        double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        ValidateCommon(runner, logits, targets, alpha);
        reduction.Validate(nameof(reduction));
        ValidateOutput(logits, targets, gradient, nameof(gradient));
        var denominator = reduction.Denominator(logits.Length);
        fixed (T* x = logits, y = targets, grad = gradient)
        {
            var sum = Run<FusedMode, TRunner>(runner, targets,
                new() { Logits = x, Targets = y, Gradient = grad, Length = logits.Length, Parameters = new(alpha, 1, denominator) });
            return T.CreateTruncating(CanonicalSum.Canonicalize(sum / denominator));
        }
    }

    private static double Run<TMode, TRunner>(in TRunner runner, ReadOnlySpan<T> targets, in KernelArguments<T> arguments)
        where TMode : struct, IKernelMode
        where TRunner : struct, IKernelRunner<T>
    {
        if (arguments.Length == 0)
            return 0;
        var result = runner.Run<TMode>(arguments);
        if (result.InvalidTargets)
            ThrowInvalidTarget(targets);
        return result.Sum;
    }

    private static void ValidateCommon<TRunner>(in TRunner runner, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double alpha)
        where TRunner : struct, IKernelRunner<T>
    {
        RequireSameLength(targets.Length, logits.Length, nameof(targets));
        runner.Validate();
        if (double.IsNaN(alpha) || alpha > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
                "alpha must be in [0, 1], or negative to switch the alpha weighting off.");
        }
    }

    private static void RequireSameLength(int length, int logitsLength, string parameterName)
    {
        if (length != logitsLength)
        {
            throw new ArgumentException(
                $"{parameterName} has {length} elements but logits has {logitsLength}; they must have the same length.",
                parameterName);
        }
    }

    private static void ValidateOutput(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> output, string parameterName, ReadOnlySpan<T> upstream = default)
    {
        RequireSameLength(output.Length, logits.Length, parameterName);
        RequireNoPartialOverlap(output, logits, parameterName, nameof(logits));
        RequireNoPartialOverlap(output, targets, parameterName, nameof(targets));
        RequireNoPartialOverlap(output, upstream, parameterName, nameof(upstream));

        // The kernel checks targets as it goes and the error is reported after the pass, from a rescan; an
        // output written over the targets would leave nothing to rescan, so such a call checks them first.
        if (output.Overlaps(targets))
            ThrowIfInvalidTarget(targets);
    }

    // Writing in place over an input is fine (each element is read before it is written); a shifted overlap is not.
    private static void RequireNoPartialOverlap(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
    {
        if (output.Overlaps(input, out var offset) && offset != 0)
            throw new ArgumentException($"{outputName} must not partially overlap {inputName} (in place is allowed).", outputName);
    }

    private static void ThrowInvalidTarget(ReadOnlySpan<T> targets)
    {
        ThrowIfInvalidTarget(targets);
        throw new InvalidOperationException("The kernel reported an invalid target that a rescan did not find.");
    }

    private static void ThrowIfInvalidTarget(ReadOnlySpan<T> targets)
    {
        for (var i = 0; i < targets.Length; i++)
        {
            var y = targets[i];
            if (!(y >= T.Zero && y <= T.One))
            {
                throw new ArgumentOutOfRangeException(nameof(targets), y,
                    string.Create(CultureInfo.InvariantCulture, $"targets[{i}] = {y} is invalid: every target must be in [0, 1] and not NaN."));
            }
        }
    }
}
