using System.Runtime.InteropServices;
using FocalAot.OpenCl;

namespace FocalAot.Native;

internal static unsafe partial class SoftmaxExports
{
    /// <summary>Where a softmax entry runs: the CPU, or an OpenCL device's host-span operations.</summary>
    private interface IRunner
    {
        /// <summary>The CPU entries' overlap rules for an output, where the runner does not apply them itself.</summary>
        void RequireOutput<T, TTarget>(
            Span<T> output, string name, in Call<T> call, ReadOnlySpan<TTarget> targets, bool inPlaceOverLogits, ReadOnlySpan<T> upstream = default)
            where T : unmanaged
            where TTarget : unmanaged;

        /// <summary>The per-sample losses and the gradient of a fused call are two outputs.</summary>
        void RequireApart<T>(Span<T> losses, Span<T> gradient)
            where T : unmanaged;

        void Forward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;

        T Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;

        void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;

        void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;

        void ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;

        T ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged;
    }

    /// <summary>The CPU: <see cref="SoftmaxFocalLoss"/>, which applies every rule itself.</summary>
    private readonly struct CpuRunner : IRunner
    {
        public void RequireOutput<T, TTarget>(
            Span<T> output, string name, in Call<T> call, ReadOnlySpan<TTarget> targets, bool inPlaceOverLogits, ReadOnlySpan<T> upstream = default)
            where T : unmanaged
            where TTarget : unmanaged
        {
        }

        public void RequireApart<T>(Span<T> losses, Span<T> gradient)
            where T : unmanaged
        {
        }

        public void Forward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.Forward(logits, targets, shape, losses, options);

        public T Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.Forward(logits, targets, shape, options);

        public void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.Backward(logits, targets, shape, upstream, gradient, options);

        public void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.Backward(logits, targets, shape, upstream, gradient, options);

        public void ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.ForwardBackward(logits, targets, shape, losses, gradient, options);

        public T ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => SoftmaxFocalLoss.ForwardBackward(logits, targets, shape, gradient, options);
    }

    /// <summary>
    /// A device's host-span operations on the library's context for it. A device call stages its inputs before it writes
    /// any output, so it would compute what the CPU refuses; the CPU entries' overlap rules refuse the same calls.
    /// </summary>
    private readonly struct DeviceRunner(OpenClSoftmaxFocalLoss device) : IRunner
    {
        /// <summary>Device <paramref name="index"/> of focal_device_count(); an argument error naming the count otherwise.</summary>
        public static DeviceRunner For(int index) => new(DeviceContexts.ForDevice(DeviceContexts.Device(index)).SoftmaxFocalLoss);

        public void RequireOutput<T, TTarget>(
            Span<T> output, string name, in Call<T> call, ReadOnlySpan<TTarget> targets, bool inPlaceOverLogits, ReadOnlySpan<T> upstream = default)
            where T : unmanaged
            where TTarget : unmanaged
            => HostOverlapRules.RequireSoftmaxOutput(
                output, name, call.Logits, MemoryMarshal.AsBytes(targets), call.Options, inPlaceOverLogits, upstream);

        public void RequireApart<T>(Span<T> losses, Span<T> gradient)
            where T : unmanaged
            => HostOverlapRules.RequireApart(losses, gradient);

        public void Forward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.Forward(logits, targets, shape, losses, options);

        public T Forward<T, TTarget>(ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.Forward(logits, targets, shape, options);

        public void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, ReadOnlySpan<T> upstream, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.Backward(logits, targets, shape, upstream, gradient, options);

        public void Backward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, T upstream, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.Backward(logits, targets, shape, upstream, gradient, options);

        public void ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> losses, Span<T> gradient,
            in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.ForwardBackward(logits, targets, shape, losses, gradient, options);

        public T ForwardBackward<T, TTarget>(
            ReadOnlySpan<T> logits, ReadOnlySpan<TTarget> targets, SoftmaxShape shape, Span<T> gradient, in FocalLossOptions<T> options)
            where T : unmanaged
            where TTarget : unmanaged
            => device.ForwardBackward(logits, targets, shape, gradient, options);
    }
}
