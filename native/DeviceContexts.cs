using FocalAot.OpenCl;

namespace FocalAot.Native;

/// <summary>
/// The library's OpenCL contexts: one per device for the host-memory entries (created on first use, kept for the life of
/// the process), and one per caller's command queue for the focal_cl_* entries (created on the queue's first call, kept
/// until focal_cl_release_queue). Thread-safe; each context serializes the calls made on it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
internal static class DeviceContexts
{
    private static readonly Lock Sync = new();
    private static readonly Dictionary<nint, OpenClContext> QueueContexts = [];
    private static OpenClContext?[]? deviceContexts;

    /// <summary>Device <paramref name="index"/> of <see cref="OpenClDevices.All"/>; an argument error naming the count otherwise.</summary>
    public static OpenClDevice Device(int index)
    {
        var devices = OpenClDevices.All;
        if (index >= 0 && index < devices.Count)
            return devices[index];
        var message = devices.Count == 0
            ? $"device = {index}, but focal_device_count() is 0: there is no OpenCL device ({OpenClDevices.UnavailableReason})."
            : $"device = {index} is out of range: focal_device_count() is {devices.Count} (devices 0 .. {devices.Count - 1}).";
        throw new ArgumentOutOfRangeException("device", message);
    }

    /// <summary>The library's context on <paramref name="device"/>, created on first use.</summary>
    /// <exception cref="OpenClException">The driver refused the context or its queue (nothing is kept; the next call tries again).</exception>
    public static OpenClContext ForDevice(OpenClDevice device)
    {
        lock (Sync)
        {
            deviceContexts ??= new OpenClContext?[OpenClDevices.All.Count];
            return deviceContexts[device.Index] ??= OpenClContext.Create(device);
        }
    }

    /// <summary>The context over the caller's <paramref name="queue"/>, created (the queue retained) on its first call.</summary>
    public static OpenClContext ForQueue(nint queue)
    {
        RequireQueue(queue);
        lock (Sync)
        {
            if (!QueueContexts.TryGetValue(queue, out var context))
            {
                context = OpenClContext.FromCommandQueue(queue);
                QueueContexts.Add(queue, context);
            }

            return context;
        }
    }

    /// <summary>The context of a queue the library holds (one a focal_cl_* call used since it was last released).</summary>
    public static OpenClContext Held(nint queue)
    {
        RequireQueue(queue);
        lock (Sync)
            return QueueContexts.TryGetValue(queue, out var context) ? context : throw NotHeld();
    }

    /// <summary>
    /// Drops the library's context over <paramref name="queue"/>: waits for its calls, releases its programs and the
    /// library's references to the queue and its context, then reports an invalid input one of the calls found.
    /// </summary>
    public static void Release(nint queue)
    {
        RequireQueue(queue);
        OpenClContext? context;
        lock (Sync)
        {
            if (!QueueContexts.Remove(queue, out context))
                throw NotHeld();
        }

        using (context)
            context.Synchronize();
    }

    private static void RequireQueue(nint queue)
    {
        if (queue == 0)
            throw new NullArgumentPointerException("queue", "queue is NULL but must be a cl_command_queue.");
    }

    private static ArgumentException NotHeld() => new(
        "queue is not held by the library: no focal_cl_* call has used it since it was created or last released " +
        "(focal_cl_release_queue).", "queue");
}
