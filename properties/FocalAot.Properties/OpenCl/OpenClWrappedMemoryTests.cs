using FocalAot.OpenCl;
using Silk.NET.OpenCL;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Calls on the caller's own cl_mem, through <see cref="OpenClContext.Wrap{T}"/> on a queue of the caller's: a range
/// beyond the memory (an offset near long.MaxValue included) is an argument error naming the memory; a per-element call
/// on a queue held back by a user event is enqueued and returns, and disposing its views does not wait for it either
/// (the memory stays retained until the call is known clean, then is let go without a report); after the event the
/// results are the CPU's bits, and an invalid target in released views is still named.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed unsafe class OpenClWrappedMemoryTests(OpenClContextFixture fixture)
{
    private const int Length = 16384 + 77;

    /// <summary>How long a call that should return at once may take before it is taken to wait for the held-back queue.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly CL Api = CL.GetApi();

    [Fact]
    public void A_range_beyond_the_memory_is_an_argument_error_naming_it()
    {
        using var queue = new CallerQueue(fixture.Context);
        var memory = queue.Buffer(16 * sizeof(float));
        using var context = OpenClContext.FromCommandQueue(queue.Handle);
        using (var whole = context.Wrap<float>(memory, 0, 16))
            Assert.Equal(16, whole.Length);
        using (var tail = context.Wrap<double>(memory, 6, 2))
            Assert.Equal(6, tail.Offset);

        foreach (var (offset, length) in new (long, int)[] { (0, 17), (16, 1), (15, 2), (long.MaxValue - 1, 4), (long.MaxValue / 4, 1) })
        {
            var error = Assert.Throws<ArgumentException>(() => context.Wrap<float>(memory, offset, length));
            Assert.Equal("memory", error.ParamName);
            Assert.Contains("holds 64 bytes (16 elements of 4 bytes), too few for elements", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_per_element_call_on_a_held_back_queue_returns_and_later_gives_the_CPU_bits()
    {
        var inputs = DeviceInputs.Create(seed: 71, Length);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        var cpu = new float[Length];
        SigmoidFocalLoss.Forward(x, y, cpu, Options());

        using var queue = new CallerQueue(fixture.Context);
        (nint Logits, nint Targets, nint Losses) memory = (queue.Buffer(x), queue.Buffer(y), queue.Buffer(Length * sizeof(float)));
        using var context = OpenClContext.FromCommandQueue(queue.Handle);
        ForwardWhileHeldBack(queue, context, memory, Length, whileHeld: () =>
            Assert.True(ReferenceCount(memory.Targets) >= 2, "the targets of a call not yet checked were let go"));

        // Once the queue has run (the caller's own clFinish) and the call is known clean, the next call lets its memory go.
        Assert.Equal(0, Api.Finish(queue.Handle));
        Forward(context, (queue.Buffer(x[..16]), queue.Buffer(y[..16]), queue.Buffer(16 * sizeof(float))), 16);
        Assert.Equal(1u, ReferenceCount(memory.Targets));

        context.Synchronize();
        DeviceAssert.Identical<float>(cpu, queue.Read<float>(memory.Losses, Length), "losses of the call enqueued behind the user event");
    }

    [Fact]
    public void An_invalid_target_is_named_after_the_views_of_a_held_back_call_were_released()
    {
        var inputs = DeviceInputs.Create(seed: 72, Length);
        var (x, bad) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        bad[Length - 3] = 2;
        var expected = Assert.Throws<ArgumentOutOfRangeException>(() => SigmoidFocalLoss.Forward(x, bad, new float[Length], Options()));

        using var queue = new CallerQueue(fixture.Context);
        using var context = OpenClContext.FromCommandQueue(queue.Handle);
        ForwardWhileHeldBack(queue, context, (queue.Buffer(x), queue.Buffer(bad), queue.Buffer(Length * sizeof(float))), Length);

        var error = Assert.Throws<ArgumentOutOfRangeException>(context.Synchronize);
        Assert.Equal(expected.ParamName, error.ParamName);
        Assert.Equal(expected.Message, error.Message);
        context.Synchronize();
    }

    /// <summary>Past the calls a context keeps unchecked (256), an unreported error is resolved early and still reported.</summary>
    [Fact]
    public void An_invalid_target_stays_named_through_a_thousand_later_calls_on_released_buffers()
    {
        var context = fixture.Context;
        var inputs = DeviceInputs.Create(seed: 73, 64);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        var bad = (float[])y.Clone();
        bad[41] = float.NaN;
        var expected = Assert.Throws<ArgumentOutOfRangeException>(() => SigmoidFocalLoss.Forward(x, bad, new float[64]));

        using var logits = context.Upload<float>(x);
        using var losses = context.Allocate<float>(64);
        using (var badTargets = context.Upload<float>(bad))
            context.SigmoidFocalLoss.Forward(logits, badTargets, losses, default);
        for (var call = 0; call < 1000; call++)
        {
            using var targets = context.Upload<float>(y);
            context.SigmoidFocalLoss.Forward(logits, targets, losses, default);
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(context.Synchronize);
        Assert.Equal(expected.Message, error.Message);
        context.Synchronize();
    }

    private static FocalLossOptions<float> Options() => new() { Gamma = 2.5, Alpha = 0.3 };

    private static uint ReferenceCount(nint memory)
    {
        uint count;
        Assert.Equal(0, Api.GetMemObjectInfo(memory, MemInfo.ReferenceCount, sizeof(uint), &count, null));
        return count;
    }

    /// <summary>
    /// A per-element forward on views of the caller's (logits, targets, losses) memory while the queue is held back: it
    /// must return (views disposed) before the queue runs; <paramref name="whileHeld"/> checks what holds meanwhile.
    /// </summary>
    private static void ForwardWhileHeldBack(
        CallerQueue queue, OpenClContext context, (nint Logits, nint Targets, nint Losses) memory, int length, Action? whileHeld = null)
    {
        var release = queue.HoldBack();
        try
        {
            RunsWithoutWaiting(() => Forward(context, memory, length));
            whileHeld?.Invoke();
        }
        finally
        {
            release();
        }
    }

    /// <summary>A per-element forward on views of the caller's memory, released once it is enqueued.</summary>
    private static void Forward(OpenClContext context, (nint Logits, nint Targets, nint Losses) memory, int length)
    {
        using var logits = context.Wrap<float>(memory.Logits, 0, length);
        using var targets = context.Wrap<float>(memory.Targets, 0, length);
        using var losses = context.Wrap<float>(memory.Losses, 0, length);
        context.SigmoidFocalLoss.Forward(logits, targets, losses, Options());
    }

    /// <summary>Runs <paramref name="action"/> on another thread and asserts it returns while the queue is held back.</summary>
    private static void RunsWithoutWaiting(Action action)
    {
        var run = Task.Run(action);
        Assert.True(run.Wait(Patience), "the call waited for a queue that cannot run until the call returns");
        run.GetAwaiter().GetResult();
    }

    /// <summary>A queue of the caller's own on the fixture's device and context, and the cl_mem buffers it made.</summary>
    private sealed class CallerQueue : IDisposable
    {
        private readonly nint context;
        private readonly List<nint> buffers = [];

        public CallerQueue(OpenClContext owner)
        {
            var ownerQueue = QueueOf(owner);
            nint device;
            nint ownerContext;
            Assert.Equal(0, Api.GetCommandQueueInfo(ownerQueue, CommandQueueInfo.Device, (nuint)sizeof(nint), &device, null));
            Assert.Equal(0, Api.GetCommandQueueInfo(ownerQueue, CommandQueueInfo.Context, (nuint)sizeof(nint), &ownerContext, null));
            context = ownerContext;
            int status;
            Handle = Api.CreateCommandQueue(context, device, CommandQueueProperties.None, &status);
            Assert.Equal(0, status);
        }

        public nint Handle { get; }

        /// <summary>A new cl_mem of <paramref name="bytes"/> bytes.</summary>
        public nint Buffer(int bytes)
        {
            int status;
            var memory = Api.CreateBuffer(context, MemFlags.ReadWrite, (nuint)bytes, null, &status);
            Assert.Equal(0, status);
            buffers.Add(memory);
            return memory;
        }

        /// <summary>A new cl_mem holding <paramref name="data"/>.</summary>
        public nint Buffer<T>(T[] data)
            where T : unmanaged
        {
            var memory = Buffer(data.Length * sizeof(T));
            fixed (T* p = data)
                Assert.Equal(0, Api.EnqueueWriteBuffer(Handle, memory, true, 0, (nuint)(data.Length * sizeof(T)), p, 0, null, null));
            return memory;
        }

        public T[] Read<T>(nint memory, int length)
            where T : unmanaged
        {
            var result = new T[length];
            fixed (T* p = result)
                Assert.Equal(0, Api.EnqueueReadBuffer(Handle, memory, true, 0, (nuint)(length * sizeof(T)), p, 0, null, null));
            return result;
        }

        /// <summary>Holds the queue back behind a user event; the returned action lets it run (call it exactly once).</summary>
        public Action HoldBack()
        {
            int status;
            var gate = Api.CreateUserEvent(context, &status);
            Assert.Equal(0, status);
            Assert.Equal(0, Api.EnqueueBarrierWithWaitList(Handle, 1, &gate, null));
            var userEvent = gate;
            return () =>
            {
                Assert.Equal(0, Api.SetUserEventStatus(userEvent, (int)CommandExecutionStatus.Complete));
                Assert.Equal(0, Api.ReleaseEvent(userEvent));
            };
        }

        public void Dispose()
        {
            Api.Finish(Handle);
            foreach (var memory in buffers)
                Api.ReleaseMemObject(memory);
            Api.ReleaseCommandQueue(Handle);
        }

        private static nint QueueOf(OpenClContext owner)
        {
            var marker = owner.EnqueueMarker();
            try
            {
                nint queue;
                Assert.Equal(0, Api.GetEventInfo(marker, EventInfo.CommandQueue, (nuint)sizeof(nint), &queue, null));
                return queue;
            }
            finally
            {
                Api.ReleaseEvent(marker);
            }
        }
    }
}
