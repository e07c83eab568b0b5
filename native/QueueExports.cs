using System.Runtime.InteropServices;
using FocalAot.OpenCl;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>
/// The focal_cl_* exports: calls on the caller's cl_command_queue and cl_mem buffers, each a thin shim over
/// <see cref="OpenClSigmoidFocalLoss"/>'s buffer overloads on the library's context over that queue.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
internal static unsafe class QueueExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_cl_sigmoid_forward")]
    public static int Forward(
        void* queue, int dtype, nuint n, ClBufferArgument logits, ClBufferArgument targets, ClBufferArgument weights,
        FocalOptions* options, ClBufferArgument output, void* reduced, void** completion)
    {
        try
        {
            var call = new CallArguments(queue, n, logits, targets, weights, options, completion);
            return dtype switch
            {
                0 => Forward<float>(call, output, reduced),
                1 => Forward<double>(call, output, reduced),
                2 => Forward<Half>(call, output, reduced),
                3 => Forward<BFloat16>(call, output, reduced),
                _ => throw BadDtype(dtype),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.QueueForward);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_cl_sigmoid_backward")]
    public static int Backward(
        void* queue, int dtype, nuint n, ClBufferArgument logits, ClBufferArgument targets, ClBufferArgument weights,
        FocalOptions* options, ClBufferArgument gradOut, void* gradOutScalar, ClBufferArgument gradLogits, void** completion)
    {
        try
        {
            var call = new CallArguments(queue, n, logits, targets, weights, options, completion);
            return dtype switch
            {
                0 => Backward<float>(call, gradOut, gradOutScalar, gradLogits),
                1 => Backward<double>(call, gradOut, gradOutScalar, gradLogits),
                2 => Backward<Half>(call, gradOut, gradOutScalar, gradLogits),
                3 => Backward<BFloat16>(call, gradOut, gradOutScalar, gradLogits),
                _ => throw BadDtype(dtype),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.QueueForward);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_cl_sigmoid_forward_backward")]
    public static int ForwardBackward(
        void* queue, int dtype, nuint n, ClBufferArgument logits, ClBufferArgument targets, ClBufferArgument weights,
        FocalOptions* options, ClBufferArgument loss, void* reduced, ClBufferArgument gradLogits, void** completion)
    {
        try
        {
            var call = new CallArguments(queue, n, logits, targets, weights, options, completion);
            return dtype switch
            {
                0 => ForwardBackward<float>(call, loss, reduced, gradLogits),
                1 => ForwardBackward<double>(call, loss, reduced, gradLogits),
                2 => ForwardBackward<Half>(call, loss, reduced, gradLogits),
                3 => ForwardBackward<BFloat16>(call, loss, reduced, gradLogits),
                _ => throw BadDtype(dtype),
            };
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.QueueForwardBackward);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_cl_finish")]
    public static int Finish(void* queue)
    {
        try
        {
            DeviceContexts.Held((nint)queue).Synchronize();
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.QueueForward);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_cl_release_queue")]
    public static int ReleaseQueue(void* queue)
    {
        try
        {
            DeviceContexts.Release((nint)queue);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.QueueForward);
        }
    }

    private static int Forward<T>(in CallArguments call, ClBufferArgument output, void* reduced)
        where T : unmanaged
    {
        var length = Length(call.N);
        var settings = call.Options<T>(length);
        var context = DeviceContexts.ForQueue(call.Queue);
        using var views = new ClBufferViews<T>(context, length);
        var (x, y, w) = call.Inputs(views);
        if (!settings.Reduction.IsReduced)
            context.SigmoidFocalLoss.Forward(x, y, views.Output(output, "out"), settings, w);
        else
            Scalar((T*)reduced, "reduced") = context.SigmoidFocalLoss.Forward(x, y, settings, w);
        return call.Complete(context);
    }

    private static int Backward<T>(in CallArguments call, ClBufferArgument gradOut, void* gradOutScalar, ClBufferArgument gradLogits)
        where T : unmanaged
    {
        var length = Length(call.N);
        var settings = call.Options<T>(length);
        var context = DeviceContexts.ForQueue(call.Queue);
        using var views = new ClBufferViews<T>(context, length);
        var (x, y, w) = call.Inputs(views);
        if (settings.Reduction.IsReduced)
        {
            var upstream = gradOutScalar == null ? One<T>() : *(T*)gradOutScalar;
            context.SigmoidFocalLoss.Backward(x, y, upstream, views.Output(gradLogits, "grad_logits"), settings, w);
        }
        else if (views.Optional(gradOut, "grad_out") is { } upstream)
        {
            context.SigmoidFocalLoss.Backward(x, y, upstream, views.Output(gradLogits, "grad_logits"), settings, w);
        }
        else
        {
            // d(sum)/dx_i = dloss_i/dx_i: the per-element gradient with an upstream of ones.
            context.SigmoidFocalLoss.Backward(x, y, One<T>(), views.Output(gradLogits, "grad_logits"),
                settings with { Reduction = FocalReduction.Sum }, w);
        }

        return call.Complete(context);
    }

    private static int ForwardBackward<T>(in CallArguments call, ClBufferArgument loss, void* reduced, ClBufferArgument gradLogits)
        where T : unmanaged
    {
        var length = Length(call.N);
        var settings = call.Options<T>(length);
        var context = DeviceContexts.ForQueue(call.Queue);
        using var views = new ClBufferViews<T>(context, length);
        var (x, y, w) = call.Inputs(views);
        if (!settings.Reduction.IsReduced)
        {
            var losses = views.Output(loss, "loss");
            context.SigmoidFocalLoss.ForwardBackward(x, y, losses, views.Output(gradLogits, "grad_logits"), settings, w);
        }
        else
        {
            Scalar((T*)reduced, "reduced") = context.SigmoidFocalLoss.ForwardBackward(x, y, views.Output(gradLogits, "grad_logits"), settings, w);
        }

        return call.Complete(context);
    }

    private static ArgumentOutOfRangeException BadDtype(int dtype) => new(nameof(dtype), dtype,
        "dtype must be FOCAL_DTYPE_F32 (0), FOCAL_DTYPE_F64 (1), FOCAL_DTYPE_F16 (2) or FOCAL_DTYPE_BF16 (3).");

    /// <summary>The arguments every focal_cl_* call shares.</summary>
    private readonly struct CallArguments
    {
        private readonly nint queue;
        private readonly nuint n;
        private readonly ClBufferArgument logits;
        private readonly ClBufferArgument targets;
        private readonly ClBufferArgument weights;
        private readonly FocalOptions* options;
        private readonly void** completion;

        public CallArguments(
            void* queue, nuint n, ClBufferArgument logits, ClBufferArgument targets, ClBufferArgument weights, FocalOptions* options,
            void** completion)
        {
            // A failed call leaves no event to release.
            if (completion != null)
                *completion = null;
            this.queue = (nint)queue;
            this.n = n;
            this.logits = logits;
            this.targets = targets;
            this.weights = weights;
            this.options = options;
            this.completion = completion;
        }

        public nint Queue => queue;

        public nuint N => n;

        /// <summary>The call's options; per-element weights come as the weights buffer only.</summary>
        public FocalLossOptions<T> Options<T>(int length)
            where T : unmanaged
        {
            var settings = NativeArguments.Options<T>(options, length);
            if (options != null && options->Weights != null)
            {
                throw new ArgumentException(
                    "options->weights must be NULL on focal_cl_* calls: pass the per-element weights as the weights buffer.", "options");
            }

            return settings;
        }

        /// <summary>Logits, targets and the optional weights (targets and weights are read again to name an invalid one).</summary>
        public (OpenClBuffer<T> Logits, OpenClBuffer<T> Targets, OpenClBuffer<T>? Weights) Inputs<T>(ClBufferViews<T> views)
            where T : unmanaged
            => (views.Input(logits, "logits"), views.Input(targets, "targets", mustStayUnwritten: true),
                views.Optional(weights, "weights", mustStayUnwritten: true));

        /// <summary>After a successful call: the event the caller asked for, complete when the call is.</summary>
        public int Complete(OpenClContext context)
        {
            if (completion != null)
                *completion = (void*)context.EnqueueMarker();
            return (int)Status.Ok;
        }
    }
}
