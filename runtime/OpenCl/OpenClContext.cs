using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// A context and an in-order command queue on one device, with the programs built for it (one per loss form, γ form and
/// storage type, built on first use and cached) and the buffers allocated in it. Calls on device buffers are enqueued and
/// return; <see cref="Synchronize"/> (or a download, or a reduced result) waits and reports any invalid input found.
/// Calls from several threads are serialized. Dispose releases the programs and the queue; buffers are released by
/// their own Dispose.
/// </summary>
public sealed unsafe class OpenClContext : IDisposable
{
    private readonly ClHandle context;
    private readonly ClHandle queue;
    private readonly Dictionary<(OpenClPower Power, DeviceStorage Storage), OpenClProgram> programs = [];
    private readonly Dictionary<(OpenClPower Power, DeviceStorage Storage), OpenClProgram> softmaxPrograms = [];
    private readonly OpenClBuffer<int> invalidFlag;
    private bool disposed;

    /// <summary>A context over a caller's queue (and its context), each retained for this object's lifetime.</summary>
    private OpenClContext(OpenClDevice device, nint contextHandle, nint queueHandle)
    {
        Device = device;
        UsesFp64 = device.SupportsFp64;
        PendingChecks = new PendingInputChecks(this);
        var api = ClApi.Loaded;
        ClApi.Check(api.RetainContext(contextHandle), "clRetainContext");
        context = new ClHandle(contextHandle, ClObjectKind.Context);
        ClApi.Check(api.RetainCommandQueue(queueHandle), "clRetainCommandQueue");
        queue = new ClHandle(queueHandle, ClObjectKind.CommandQueue);
        invalidFlag = new OpenClBuffer<int>(this, 1);
        invalidFlag.Upload([0]);
        SigmoidFocalLoss = new OpenClSigmoidFocalLoss(this);
        SoftmaxFocalLoss = new OpenClSoftmaxFocalLoss(this);
    }

    private OpenClContext(OpenClDevice device, bool useFp64)
    {
        Device = device;
        UsesFp64 = useFp64 && device.SupportsFp64;
        PendingChecks = new PendingInputChecks(this);
        var api = ClApi.Loaded;
        int status;
        var id = device.Id;
        context = new ClHandle(api.CreateContext(null, 1, &id, null, null, &status), ClObjectKind.Context);
        ClApi.Check(status, "clCreateContext");
        queue = new ClHandle(api.CreateCommandQueue(context.Value, id, CommandQueueProperties.None, &status), ClObjectKind.CommandQueue);
        ClApi.Check(status, "clCreateCommandQueue");
        invalidFlag = new OpenClBuffer<int>(this, 1);
        invalidFlag.Upload([0]);
        SigmoidFocalLoss = new OpenClSigmoidFocalLoss(this);
        SoftmaxFocalLoss = new OpenClSoftmaxFocalLoss(this);
    }

    /// <summary>The device this context runs on.</summary>
    public OpenClDevice Device { get; }

    /// <summary>
    /// Whether programs use fp64: double storage, a generic γ in float, and sums in double, bit-identical to the CPU.
    /// Without it, sums are accumulated in float in the same canonical order: the same bits on every run and device
    /// without fp64, within (⌈n/16⌉ + ⌈n/16384⌉ + 3)·2⁻²⁴ of the exact sum, relative to it (losses and weights are ≥ 0),
    /// unless the float sum overflows: it is then +∞ where the CPU's double sum may be finite (e.g. the mean of losses near
    /// float's largest value). A weighted mean divides two such sums (within twice that bound); each reduced result is then
    /// rounded once to the element type, as on the CPU. The softmax programs need fp64 (<see cref="OpenClSoftmaxFocalLoss"/>).
    /// </summary>
    public bool UsesFp64 { get; }

    /// <summary>The sigmoid focal-loss operations on this device: on device buffers, or on host spans (upload, run, download).</summary>
    public OpenClSigmoidFocalLoss SigmoidFocalLoss { get; }

    /// <summary>The softmax (multi-class) focal-loss operations on this device: on device buffers, or on host spans.</summary>
    public OpenClSoftmaxFocalLoss SoftmaxFocalLoss { get; }

    internal Lock Gate { get; } = new();

    /// <summary>The enqueued calls whose inputs are not yet known to be valid.</summary>
    internal PendingInputChecks PendingChecks { get; }

    internal nint ContextHandle => context.Value;

    internal nint QueueHandle => queue.Value;

    internal nint InvalidFlag => invalidFlag.Handle("invalid-input flag");

    /// <summary>Creates a context and queue on <paramref name="device"/> (from <see cref="OpenClDevices.All"/>).</summary>
    /// <param name="device">The device.</param>
    /// <param name="useFp64">
    /// false to run as on a device without fp64 even where this one has it (to see that behaviour before deploying to
    /// such a device); ignored where the device has no fp64.
    /// </param>
    /// <exception cref="OpenClException">The driver refused the context or queue.</exception>
    public static OpenClContext Create(OpenClDevice device, bool useFp64 = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new OpenClContext(device, useFp64);
    }

    /// <summary>
    /// A context that enqueues on the caller's cl_command_queue (an in-order queue; its context and device come with
    /// it), for calls on the caller's own cl_mem buffers (<see cref="Wrap{T}"/>). The queue and its context are retained
    /// until this object is disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The handle is 0, or not a command queue of an OpenCL device of this process.</exception>
    public static OpenClContext FromCommandQueue(nint commandQueue)
    {
        if (commandQueue == 0)
            throw new ArgumentException("commandQueue must be a cl_command_queue, not NULL.", nameof(commandQueue));
        var api = ClApi.TryLoad(out var failure) ?? throw new ArgumentException($"commandQueue cannot be used: {failure}.", nameof(commandQueue));
        nint contextHandle, deviceId;
        if (api.GetCommandQueueInfo(commandQueue, CommandQueueInfo.Context, (nuint)sizeof(nint), &contextHandle, null) != 0
            || api.GetCommandQueueInfo(commandQueue, CommandQueueInfo.Device, (nuint)sizeof(nint), &deviceId, null) != 0)
        {
            throw new ArgumentException("commandQueue is not a valid cl_command_queue (clGetCommandQueueInfo failed).", nameof(commandQueue));
        }

        ulong properties;
        if (api.GetCommandQueueInfo(commandQueue, CommandQueueInfo.Properties, sizeof(ulong), &properties, null) == 0
            && (properties & (ulong)CommandQueueProperties.OutOfOrderExecModeEnable) != 0)
        {
            throw new ArgumentException("commandQueue must be in order: a call's kernels depend on each other.", nameof(commandQueue));
        }

        var id = deviceId;
        var device = OpenClDevices.All.FirstOrDefault(d => d.Id == id)
            ?? throw new ArgumentException("commandQueue's device is not among this process's OpenCL devices.", nameof(commandQueue));
        return new OpenClContext(device, contextHandle, queueHandle: commandQueue);
    }

    /// <summary>
    /// A view of <paramref name="length"/> elements of the caller's cl_mem <paramref name="memory"/>, from element
    /// <paramref name="offset"/>. The memory is retained until the view is disposed; its contents are the caller's.
    /// </summary>
    /// <exception cref="ArgumentException">The handle is 0, not a buffer of this context, or too small for the range.</exception>
    public OpenClBuffer<T> Wrap<T>(nint memory, long offset, int length)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (memory == 0)
                throw new ArgumentException("memory must be a cl_mem buffer, not NULL.", nameof(memory));
            var api = ClApi.Loaded;
            nint owner;
            nuint size;
            if (api.GetMemObjectInfo(memory, MemInfo.Context, (nuint)sizeof(nint), &owner, null) != 0
                || api.GetMemObjectInfo(memory, MemInfo.Size, (nuint)sizeof(nuint), &size, null) != 0)
            {
                throw new ArgumentException("memory is not a valid cl_mem (clGetMemObjectInfo failed).", nameof(memory));
            }

            if (owner != context.Value)
                throw new ArgumentException("memory belongs to another OpenCL context than this one's queue.", nameof(memory));
            var capacity = (ulong)size / (ulong)sizeof(T);
            if ((ulong)offset > capacity || (ulong)length > capacity - (ulong)offset)
            {
                throw new ArgumentException(
                    $"memory holds {size} bytes ({capacity} elements of {sizeof(T)} bytes), too few for elements [{offset}, " +
                    $"{(Int128)offset + length}).", nameof(memory));
            }

            ClApi.Check(api.RetainMemObject(memory), "clRetainMemObject");
            return new OpenClBuffer<T>(this, new ClHandle(memory, ClObjectKind.Buffer), offset, length);
        }
    }

    /// <summary>
    /// Enqueues a marker and returns its cl_event, complete when every call enqueued so far is; the caller releases it
    /// (clReleaseEvent). For waiting on this context's work from other queues or host code without blocking here.
    /// </summary>
    public nint EnqueueMarker()
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            nint marker;
            ClApi.Check(ClApi.Loaded.EnqueueMarkerWithWaitList(queue.Value, 0, null, &marker), "clEnqueueMarkerWithWaitList");
            return marker;
        }
    }

    /// <summary>A new device buffer of <paramref name="length"/> elements (contents unspecified until written).</summary>
    public OpenClBuffer<T> Allocate<T>(int length)
        where T : unmanaged
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return new OpenClBuffer<T>(this, length);
        }
    }

    /// <summary>A new device buffer holding a copy of <paramref name="data"/>.</summary>
    public OpenClBuffer<T> Upload<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        var buffer = Allocate<T>(data.Length);
        buffer.Upload(data);
        return buffer;
    }

    /// <summary>
    /// Waits for every call enqueued so far; throws the error of the first invalid target or weight one of them found
    /// (an <see cref="ArgumentOutOfRangeException"/> naming the element, as the CPU path does).
    /// </summary>
    public void Synchronize()
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            ClApi.Check(ClApi.Loaded.Finish(queue.Value), "clFinish");
            PendingChecks.Report();
        }
    }

    /// <summary>Releases the programs, the queue and the context.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (disposed)
                return;
            disposed = true;
            if (ClApi.Instance is { } api)
                api.Finish(queue.Value);
            foreach (var program in programs.Values.Concat(softmaxPrograms.Values))
                program.Dispose();
            programs.Clear();
            softmaxPrograms.Clear();
            PendingChecks.Clear();
            invalidFlag.Dispose();
            queue.Dispose();
            context.Dispose();
        }
    }

    /// <summary>The program for a modulating factor and storage, built on first use. Call under <see cref="Gate"/>.</summary>
    internal OpenClProgram Program(OpenClPower power, DeviceStorage storage)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!programs.TryGetValue((power, storage), out var program))
        {
            program = new OpenClProgram(context.Value, Device.Id, OpenClProgramSource.Build(power, storage, UsesFp64));
            programs.Add((power, storage), program);
        }

        return program;
    }

    /// <summary>The softmax program for a modulating factor and storage, built on first use. Call under <see cref="Gate"/>.</summary>
    internal OpenClProgram SoftmaxProgram(OpenClPower power, DeviceStorage storage)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!softmaxPrograms.TryGetValue((power, storage), out var program))
        {
            program = new OpenClProgram(context.Value, Device.Id, OpenClSoftmaxProgramSource.Build(power, storage));
            softmaxPrograms.Add((power, storage), program);
        }

        return program;
    }
}
