using FocalAot.OpenCl;

namespace FocalAot.Native;

/// <summary>
/// The thread-local message of the most recent failed call, and the one place exceptions become statuses:
/// no exception may cross an export (it would terminate the host process).
/// </summary>
internal static class LastError
{
    [ThreadStatic]
    private static string? message;

    public static string Message => message ?? string.Empty;

    public static int Fail(Status status, string text)
    {
        message = text;
        return (int)status;
    }

    public static int Fail(Exception exception) => exception switch
    {
        NullArgumentPointerException e => Fail(Status.NullPointer, e.Message),
        ArgumentException e => Fail(Status.InvalidArgument, e.Message),
        NotSupportedException e => Fail(Status.Unsupported, e.Message),
        OpenClException e => Fail(Status.Device, e.Message),
        // Only a queue released by another thread during a call leaves an object of the library disposed.
        ObjectDisposedException e => Fail(Status.InvalidArgument, e.Message),
        _ => Fail(Status.Internal, $"internal error: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>Copies the message, NUL-terminated, into a caller buffer.</summary>
    public static unsafe int CopyTo(byte* buffer, nuint capacity, nuint* needed) => NativeText.CopyTo(Message, buffer, capacity, needed);
}

/// <summary>A required pointer argument was NULL (a data pointer: while its element count was positive).</summary>
internal sealed class NullArgumentPointerException(string parameterName, string? message = null)
    : ArgumentException(message ?? $"{parameterName} is NULL but must point to the data (the element count is positive).", parameterName);
