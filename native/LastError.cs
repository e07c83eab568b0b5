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

    /// <summary>
    /// The status and message of an exception. An argument error's message is made a C one: on one line, without .NET's
    /// "(Parameter 'x')" and "Actual value was", and naming the C argument where the runtime named its own parameter
    /// (<paramref name="names"/>: the C names of one family of entries).
    /// </summary>
    public static int Fail(Exception exception, CArgumentNames? names = null) => exception switch
    {
        NullArgumentPointerException e => Fail(Status.NullPointer, CText(e, names ?? CArgumentNames.Forward)),
        ArgumentException e => Fail(Status.InvalidArgument, CText(e, names ?? CArgumentNames.Forward)),
        NotSupportedException e => Fail(Status.Unsupported, OneLine(e.Message)),
        OpenClException e => Fail(Status.Device, e.Message),
        // Only a queue released by another thread during a call leaves an object of the library disposed.
        ObjectDisposedException e => Fail(Status.InvalidArgument, OneLine(e.Message)),
        // A bad FOCALAOT_SIMD_PATH: a setting of the process that this library cannot run, not a fault of the library.
        InvalidOperationException e when SimdPathSetting.IsInvalid(e) => Fail(Status.Unsupported, OneLine(e.Message)),
        _ => Fail(Status.Internal, $"internal error: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>Copies the message, NUL-terminated, into a caller buffer.</summary>
    public static unsafe int CopyTo(byte* buffer, nuint capacity, nuint* needed) => NativeText.CopyTo(Message, buffer, capacity, needed);

    /// <summary>An argument error's own text (without the parameter and actual-value lines .NET appends), with C names.</summary>
    private static string CText(ArgumentException exception, CArgumentNames names)
    {
        var text = exception.Message;
        if (exception.ParamName is { } parameter)
        {
            var marker = $" (Parameter '{parameter}')";
            var at = text.LastIndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
                text = text.Remove(at, marker.Length);
        }

        if (exception is ArgumentOutOfRangeException { ActualValue: not null })
        {
            var at = text.LastIndexOf('\n');
            if (at >= 0 && text.AsSpan(at + 1).StartsWith("Actual value was ", StringComparison.Ordinal))
                text = text[..at].TrimEnd('\r');
        }

        return names.Rename(OneLine(text));
    }

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}

/// <summary>
/// The C names of the parameters the runtime's errors name, for one family of entries: a runtime message starts with
/// the parameter it is about, and an overlap message names the other one after "overlap "; an option with a
/// camelCase name (ignoreIndex, sampleDependentGamma, ...) is renamed wherever a message mentions it, since no plain
/// word reads like one.
/// </summary>
internal sealed class CArgumentNames
{
    /// <summary>The CPU and host-memory device entries: forward (losses are out), backward.</summary>
    public static readonly CArgumentNames Forward = new("out", "options->weights");

    /// <summary>The CPU and host-memory device entries: forward_backward (losses are loss).</summary>
    public static readonly CArgumentNames ForwardBackward = new("loss", "options->weights");

    /// <summary>The focal_cl_* forward and backward (weights are the weights buffer argument).</summary>
    public static readonly CArgumentNames QueueForward = new("out", "weights");

    /// <summary>The focal_cl_* forward_backward.</summary>
    public static readonly CArgumentNames QueueForwardBackward = new("loss", "weights");

    private readonly Dictionary<string, string> names;

    private CArgumentNames(string losses, string weights) => names = new(StringComparer.Ordinal)
    {
        ["losses"] = losses,
        ["gradient"] = "grad_logits",
        ["upstream"] = "grad_out",
        ["weights"] = weights,
        ["classAlpha"] = "options->class_alpha",
        ["alpha"] = "options->alpha",
        ["gamma"] = "options->gamma",
        ["normalizer"] = "options->normalizer",
        ["labelSmoothing"] = "options->label_smoothing",
        ["polyEpsilon"] = "options->poly_epsilon",
        ["sampleDependentGamma"] = "options->sample_dependent_gamma",
        ["ignoreIndex"] = "options->ignore_index",
        ["meanConfidences"] = "mean_confidences",
        ["spatial"] = "options->spatial",
    };

    /// <summary>
    /// The message with the runtime's parameter names (its subject, what follows "overlap ", and every camelCase option
    /// name) made C names.
    /// </summary>
    public string Rename(string text)
    {
        text = RenameAt(text, 0, out _);
        const string Overlap = "overlap ";
        var at = text.IndexOf(Overlap, StringComparison.Ordinal);
        if (at >= 0)
            text = RenameAt(text, at + Overlap.Length, out _);
        for (var start = 0; start < text.Length; start++)
        {
            if (char.IsAsciiLetterLower(text[start]) && (start == 0 || !char.IsAsciiLetter(text[start - 1])))
                text = RenameAt(text, start, out start, camelCaseOnly: true);
        }

        return text;
    }

    /// <summary>The word at <paramref name="start"/> renamed if it is a known name (with <paramref name="camelCaseOnly"/>,
    /// one with an upper-case letter); <paramref name="end"/> is where the word, renamed or not, ends.</summary>
    private string RenameAt(string text, int start, out int end, bool camelCaseOnly = false)
    {
        end = start;
        while (end < text.Length && char.IsAsciiLetter(text[end]))
            end++;
        var word = text[start..end];
        if ((camelCaseOnly && !word.Any(char.IsAsciiLetterUpper)) || !names.TryGetValue(word, out var name))
            return text;
        end = start + name.Length;
        return string.Concat(text.AsSpan(0, start), name, text.AsSpan(start + word.Length));
    }
}

/// <summary>FOCALAOT_SIMD_PATH, which the runtime reads once: whether an error is its refusal of the variable's value.</summary>
internal static class SimdPathSetting
{
    public static bool IsInvalid(InvalidOperationException exception)
    {
        try
        {
            _ = FocalRuntime.DetectedPath;
            return false;
        }
        catch (InvalidOperationException detection)
        {
            return detection.Message == exception.Message;
        }
    }
}

/// <summary>A required pointer argument was NULL (a data pointer: while its element count was positive).</summary>
internal sealed class NullArgumentPointerException(string parameterName, string? message = null)
    : ArgumentException(message ?? $"{parameterName} is NULL but must point to the data (n is positive).", parameterName);
