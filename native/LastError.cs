using System.Text;

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
        _ => Fail(Status.Internal, $"internal error: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>Copies the message, NUL-terminated, into a caller buffer.</summary>
    public static unsafe int CopyTo(byte* buffer, nuint capacity, nuint* needed)
    {
        var text = Message;
        var length = Encoding.UTF8.GetByteCount(text);
        if (needed != null)
            *needed = (nuint)length + 1;
        if (buffer == null)
            return capacity == 0 ? (int)Status.Ok : (int)Status.NullPointer;
        if (capacity == 0)
            return (int)Status.BufferTooSmall;

        var bytes = Encoding.UTF8.GetBytes(text);
        var copied = (int)Math.Min((nuint)length, capacity - 1);
        bytes.AsSpan(0, copied).CopyTo(new Span<byte>(buffer, copied));
        buffer[copied] = 0;
        return copied == length ? (int)Status.Ok : (int)Status.BufferTooSmall;
    }
}

/// <summary>A required pointer argument was NULL while its element count was positive.</summary>
internal sealed class NullArgumentPointerException(string parameterName)
    : ArgumentException($"{parameterName} is NULL but must point to the data (the element count is positive).", parameterName);
