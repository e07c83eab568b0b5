using FocalAot.Generator;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// Where <see cref="OpenClOps{T}"/> writes: each operation becomes one `const` statement of a fresh name, in the order
/// the recipe performs them, so the OpenCL compiler (with FP_CONTRACT off) evaluates the same IEEE operations in the
/// same order as the .NET kernels. One recording per thread at a time.
/// </summary>
internal sealed class ClRecording : IDisposable
{
    [ThreadStatic]
    private static ClRecording? current;

    private readonly SourceWriter writer;
    private int next;

    private ClRecording(SourceWriter writer) => this.writer = writer;

    /// <summary>The recording in progress on this thread.</summary>
    public static ClRecording Current
        => current ?? throw new InvalidOperationException("OpenClOps is used only inside a ClRecording.");

    /// <summary>Starts recording into <paramref name="writer"/> (at its current indentation) until disposed.</summary>
    public static ClRecording Start(SourceWriter writer)
    {
        if (current is not null)
            throw new InvalidOperationException("A ClRecording is already in progress on this thread.");
        return current = new ClRecording(writer);
    }

    /// <summary>Declares `const <paramref name="type"/> vN = <paramref name="expression"/>;` and returns vN.</summary>
    public string Declare(string type, string expression)
    {
        var name = "v" + next++.ToString(System.Globalization.CultureInfo.InvariantCulture);
        writer.Line($"const {type} {name} = {expression};");
        return name;
    }

    /// <summary>Writes a line of the recipe's surroundings (a named value, a comment).</summary>
    public void Line(string text) => writer.Line(text);

    public void Dispose() => current = null;
}
