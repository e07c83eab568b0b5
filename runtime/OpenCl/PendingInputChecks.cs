using System.Runtime.CompilerServices;
using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>
/// The enqueued calls of one context whose inputs are not yet known to be valid, oldest first, each with a rescan that
/// names its invalid target or weight should the device's flag be raised. Each call is followed on the queue by a
/// non-blocking copy of the flag: a call retires, without waiting, once that copy has arrived and shows the flag clear.
/// A buffer disposed while a waiting call reads it keeps its memory until that call retires, so that the rescan can
/// still read it. Used under the context's gate.
/// </summary>
internal sealed unsafe class PendingInputChecks(OpenClContext context)
{
    /// <summary>Waiting calls beyond which the next call waits for the queue (a raised flag that was never reported).</summary>
    private const int MaxWaiting = 256;

    private readonly List<Check> waiting = [];
    private readonly List<(object Buffer, ClHandle Memory)> kept = [];
    private Exception? resolvedError;

    /// <summary>
    /// Registers the call just enqueued: <paramref name="rescan"/> names its invalid input from its
    /// <paramref name="targets"/> and <paramref name="weights"/> buffers (either may be null).
    /// </summary>
    public void Add(Func<Exception?> rescan, object? targets, object? weights)
    {
        var flagCopy = GC.AllocateArray<int>(1, pinned: true);
        nint copied;
        var status = ClApi.Loaded.EnqueueReadBuffer(
            context.QueueHandle, context.InvalidFlag, false, 0, sizeof(int), Unsafe.AsPointer(ref flagCopy[0]), 0, null, &copied);
        ClApi.Check(status, "clEnqueueReadBuffer");
        waiting.Add(new Check(rescan, targets, weights, flagCopy, new ClHandle(copied, ClObjectKind.Event)));
        RetireClearCalls();
        if (waiting.Count > MaxWaiting)
            resolvedError ??= WaitAndFind();
    }

    /// <summary>
    /// Before <paramref name="buffer"/> is overwritten (an upload, a call's output): if a waiting call reads it, waits
    /// for the queue and names that call's invalid input now, from what it read, keeping the error for the next report.
    /// </summary>
    public void ResolveBeforeWriting(object buffer)
    {
        if (Reads(buffer))
            resolvedError ??= WaitAndFind();
    }

    /// <summary>Releases <paramref name="memory"/> now, or once no waiting call reads <paramref name="buffer"/>.</summary>
    public void Release(object buffer, ClHandle? memory)
    {
        if (memory is null)
            return;
        if (Reads(buffer))
            kept.Add((buffer, memory));
        else
            memory.Dispose();
    }

    /// <summary>After the queue has drained up to now: throws the first invalid input of the calls so far, if any.</summary>
    public void Report()
    {
        var error = resolvedError ?? WaitAndFind();
        resolvedError = null;
        if (error is not null)
            throw error;
    }

    /// <summary>Forgets every waiting call (the queue is finished) and releases the memory kept for them.</summary>
    public void Clear()
    {
        Forget(waiting.Count);
        resolvedError = null;
    }

    private bool Reads(object buffer)
        => waiting.Exists(check => ReferenceEquals(check.Targets, buffer) || ReferenceEquals(check.Weights, buffer));

    /// <summary>Drops the oldest calls whose flag copy has arrived clear (the flag only rises, so all before one do too).</summary>
    private void RetireClearCalls()
    {
        var clear = 0;
        while (clear < waiting.Count && IsKnownClear(waiting[clear]))
            clear++;
        Forget(clear);
    }

    private static bool IsKnownClear(Check check)
    {
        int status;
        var query = ClApi.Loaded.GetEventInfo(check.FlagCopied.Value, EventInfo.CommandExecutionStatus, sizeof(int), &status, null);
        return query == 0 && status == (int)CommandExecutionStatus.Complete && Volatile.Read(ref check.FlagCopy[0]) == 0;
    }

    /// <summary>Waits for the queue; the first waiting call's invalid input, if the device raised the flag.</summary>
    private Exception? WaitAndFind()
    {
        if (waiting.Count == 0)
            return null;
        var flag = 0;
        var status = ClApi.Loaded.EnqueueReadBuffer(context.QueueHandle, context.InvalidFlag, true, 0, sizeof(int), &flag, 0, null, null);
        ClApi.Check(status, "clEnqueueReadBuffer");
        Exception? error = null;
        if (flag != 0)
        {
            var reset = 0;
            status = ClApi.Loaded.EnqueueWriteBuffer(context.QueueHandle, context.InvalidFlag, true, 0, sizeof(int), &reset, 0, null, null);
            ClApi.Check(status, "clEnqueueWriteBuffer");
            foreach (var check in waiting)
            {
                if ((error = check.Rescan()) is not null)
                    break;
            }

            error ??= new InvalidOperationException("The device reported an invalid target or weight that a rescan did not find.");
        }

        Forget(waiting.Count);
        return error;
    }

    /// <summary>Drops the <paramref name="count"/> oldest waiting calls, and the kept memory no waiting call reads now.</summary>
    private void Forget(int count)
    {
        if (count == 0)
            return;
        for (var i = 0; i < count; i++)
            waiting[i].FlagCopied.Dispose();
        waiting.RemoveRange(0, count);
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            if (Reads(kept[i].Buffer))
                continue;
            kept[i].Memory.Dispose();
            kept.RemoveAt(i);
        }
    }

    /// <summary>A waiting call: its rescan, the buffers it reads, and the copy of the flag enqueued after it.</summary>
    private sealed record Check(Func<Exception?> Rescan, object? Targets, object? Weights, int[] FlagCopy, ClHandle FlagCopied);
}
