using FocalAot.Generator;

namespace FocalAot.OpenCl.Rendering;

/// <summary>Writes one OpenCL C function whose body a recipe stage records (see <see cref="ClRecording"/>).</summary>
internal static class ClFunction
{
    /// <summary>Writes <paramref name="signature"/> and a body recorded by <paramref name="body"/>, which ends it with its return.</summary>
    public static void Write(SourceWriter writer, string signature, Action<ClRecording> body)
    {
        writer.Line(signature);
        using (writer.Block())
        using (var recording = ClRecording.Start(writer))
            body(recording);
        writer.Line();
    }
}
