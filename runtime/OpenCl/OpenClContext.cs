using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// A context and an in-order command queue on one device, with the programs built for it (one per γ form and storage
/// type, built on first use and cached) and the buffers allocated in it. Calls on device buffers are enqueued and
/// return; <see cref="Synchronize"/> (or a download, or a reduced result) waits and reports any invalid input found.
/// Calls from several threads are serialized. Dispose releases the programs and the queue; buffers are released by
/// their own Dispose.
/// </summary>
public sealed unsafe class OpenClContext : IDisposable
{
    private readonly ClHandle context;
    private readonly ClHandle queue;
    private readonly Dictionary<(double? Gamma, DeviceStorage Storage), OpenClProgram> programs = [];
    private readonly List<Func<Exception?>> pendingChecks = [];
    private readonly OpenClBuffer<int> invalidFlag;
    private bool disposed;

    private OpenClContext(OpenClDevice device, bool useFp64)
    {
        Device = device;
        UsesFp64 = useFp64 && device.SupportsFp64;
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
    }

    /// <summary>The device this context runs on.</summary>
    public OpenClDevice Device { get; }

    /// <summary>
    /// Whether programs use fp64: double storage, a generic γ in float, and sums in double, bit-identical to the CPU.
    /// Without it, sums are accumulated in float in the same canonical order: the same bits on every run and device
    /// without fp64, within n·2⁻²⁴ relative of the CPU's sum (of the absolute values; losses are ≥ 0, so of the sum).
    /// </summary>
    public bool UsesFp64 { get; }

    /// <summary>The sigmoid focal-loss operations on this device: on device buffers, or on host spans (upload, run, download).</summary>
    public OpenClSigmoidFocalLoss SigmoidFocalLoss { get; }

    internal Lock Gate { get; } = new();

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
            ReportPendingErrors();
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
            foreach (var program in programs.Values)
                program.Dispose();
            programs.Clear();
            invalidFlag.Dispose();
            queue.Dispose();
            context.Dispose();
        }
    }

    /// <summary>The program for a γ form (null: generic) and storage, built on first use. Call under <see cref="Gate"/>.</summary>
    internal OpenClProgram Program(double? gamma, DeviceStorage storage)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!programs.TryGetValue((gamma, storage), out var program))
        {
            program = new OpenClProgram(context.Value, Device.Id, OpenClProgramSource.Build(gamma, storage, UsesFp64));
            programs.Add((gamma, storage), program);
        }

        return program;
    }

    /// <summary>Registers how to name the invalid input of a call just enqueued, should the flag be raised.</summary>
    internal void AddPendingCheck(Func<Exception?> rescan) => pendingChecks.Add(rescan);

    /// <summary>After the queue has drained up to now: throws the first pending call's invalid-input error, if any.</summary>
    internal void ReportPendingErrors()
    {
        if (pendingChecks.Count == 0)
            return;
        Span<int> flag = stackalloc int[1];
        fixed (int* p = flag)
            ClApi.Check(ClApi.Loaded.EnqueueReadBuffer(queue.Value, InvalidFlag, true, 0, sizeof(int), p, 0, null, null), "clEnqueueReadBuffer");
        var checks = pendingChecks.ToArray();
        pendingChecks.Clear();
        if (flag[0] == 0)
            return;

        invalidFlag.Upload([0]);
        foreach (var check in checks)
        {
            if (check() is { } error)
                throw error;
        }

        throw new InvalidOperationException("The device reported an invalid target or weight that a rescan did not find.");
    }
}
