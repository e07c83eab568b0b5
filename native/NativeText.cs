using System.Text;

namespace FocalAot.Native;

/// <summary>Strings handed to C: copied, NUL-terminated and UTF-8, into memory the caller owns.</summary>
internal static unsafe class NativeText
{
    /// <summary>
    /// The header's copy protocol (focal_last_error_message): *needed receives the size including the NUL; a NULL
    /// buffer with capacity 0 only queries it; a short buffer gets a truncated, terminated copy and BUFFER_TOO_SMALL.
    /// </summary>
    public static int CopyTo(string text, byte* buffer, nuint capacity, nuint* needed)
    {
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

    /// <summary>
    /// Copies <paramref name="text"/> into a fixed char array of <paramref name="capacity"/> bytes, NUL-terminated, cut
    /// at a UTF-8 character boundary when it is longer.
    /// </summary>
    public static void CopyToFixed(string text, byte* destination, int capacity)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = Math.Min(bytes.Length, capacity - 1);
        while (length > 0 && length < bytes.Length && (bytes[length] & 0xC0) == 0x80)
            length--; // never cut inside a character
        bytes.AsSpan(0, length).CopyTo(new Span<byte>(destination, length));
        new Span<byte>(destination + length, capacity - length).Clear();
    }
}
