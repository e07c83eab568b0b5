using FocalAot.OpenCl;
using Silk.NET.OpenCL;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// The caller's-queue entries as far as the public API reaches them: the marker event of <see cref="OpenClContext.EnqueueMarker"/>
/// completes once the calls before it have, and names its queue; <see cref="OpenClContext.FromCommandQueue"/> over that
/// queue runs calls with the CPU's bits, keeps its own buffers apart, and releases only its own reference (the queue's
/// first owner keeps working). A NULL queue or cl_mem and a negative range are argument errors. Wrapping a real
/// cl_mem needs one the caller creates (no buffer of this API exposes its handle), which the C tests do.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClCallerQueueTests(OpenClContextFixture fixture)
{
    private const int Length = 16384 + 999;

    [Fact]
    public void A_marker_completes_after_the_calls_enqueued_before_it()
    {
        var context = fixture.Context;
        var inputs = DeviceInputs.Create(seed: 61, Length);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        using var logits = context.Upload<float>(x);
        using var targets = context.Upload<float>(y);
        using var losses = context.Allocate<float>(Length);
        context.SigmoidFocalLoss.Forward(logits, targets, losses, new FocalLossOptions<float> { Gamma = 1.5 });

        var api = CL.GetApi();
        var marker = context.EnqueueMarker();
        try
        {
            Assert.NotEqual(0, marker);
            Assert.Equal(0, api.WaitForEvents(1, in marker));
            Assert.Equal(0, api.GetEventInfo(marker, EventInfo.CommandExecutionStatus, sizeof(int), out int status, out _));
            Assert.Equal((int)CommandExecutionStatus.Complete, status);
        }
        finally
        {
            Assert.Equal(0, api.ReleaseEvent(marker));
        }

        var cpu = new float[Length];
        SigmoidFocalLoss.Forward(x, y, cpu, new FocalLossOptions<float> { Gamma = 1.5 });
        DeviceAssert.Identical<float>(cpu, losses.ToArray(), "losses after the marker");
    }

    [Fact]
    public void A_context_over_the_queue_of_a_marker_runs_calls_with_the_CPU_bits()
    {
        var owner = fixture.Context;
        var queue = QueueOf(owner);
        var inputs = DeviceInputs.Create(seed: 62, Length, nonFinite: false);
        var (x, y, w) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>(), inputs.WeightsAs<float>());
        var (cpuGradient, gradient) = (new float[Length], new float[Length]);
        var cpuLoss = SigmoidFocalLoss.ForwardBackward(x, y, cpuGradient,
            new FocalLossOptions<float> { Gamma = 2, Weights = w, Reduction = FocalReduction.WeightedMean });

        using (var caller = OpenClContext.FromCommandQueue(queue))
        {
            Assert.Same(owner.Device, caller.Device);
            Assert.Equal(owner.UsesFp64, caller.UsesFp64);
            var loss = caller.SigmoidFocalLoss.ForwardBackward(x, y, gradient,
                new FocalLossOptions<float> { Gamma = 2, Weights = w, Reduction = FocalReduction.WeightedMean });
            DeviceAssert.Identical(cpuLoss, loss, "weighted mean on the caller's queue");
            DeviceAssert.Identical<float>(cpuGradient, gradient, "its gradient");

            // Two OpenClContext objects over one queue are still two: a call takes only its own buffers.
            using var theirs = caller.Upload<float>(x);
            using var ours = owner.Upload<float>(y);
            var error = Assert.Throws<ArgumentException>(() => owner.SigmoidFocalLoss.Forward(theirs, ours, new FocalLossOptions<float>
            {
                Reduction = FocalReduction.Sum,
            }));
            Assert.Equal("logits", error.ParamName);
            caller.Synchronize();
        }

        // Disposing the second context released its own references only: the first one's queue still runs.
        Array.Clear(gradient);
        var again = owner.SigmoidFocalLoss.ForwardBackward(x, y, gradient,
            new FocalLossOptions<float> { Gamma = 2, Weights = w, Reduction = FocalReduction.WeightedMean });
        DeviceAssert.Identical(cpuLoss, again, "weighted mean on the first context after the second was disposed");
        DeviceAssert.Identical<float>(cpuGradient, gradient, "its gradient");
        owner.Synchronize();
    }

    [Fact]
    public void A_NULL_queue_or_cl_mem_and_a_negative_range_are_argument_errors()
    {
        Assert.Equal("commandQueue", Assert.Throws<ArgumentException>(() => OpenClContext.FromCommandQueue(0)).ParamName);
        var context = fixture.Context;
        Assert.Equal("memory", Assert.Throws<ArgumentException>(() => context.Wrap<float>(0, 0, 4)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => context.Wrap<float>(0, -1, 4)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => context.Wrap<float>(0, 0, -4)).ParamName);
    }

    /// <summary>The cl_command_queue of <paramref name="context"/>, read from a marker event (which is then released).</summary>
    private static nint QueueOf(OpenClContext context)
    {
        var api = CL.GetApi();
        var marker = context.EnqueueMarker();
        try
        {
            Assert.Equal(0, api.GetEventInfo(marker, EventInfo.CommandQueue, (nuint)IntPtr.Size, out nint queue, out _));
            Assert.NotEqual(0, queue);
            return queue;
        }
        finally
        {
            Assert.Equal(0, api.ReleaseEvent(marker));
        }
    }
}
