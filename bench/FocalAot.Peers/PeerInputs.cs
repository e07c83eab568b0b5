using System.Runtime.InteropServices;

namespace FocalAot.Peers;

/// <summary>The logits and targets of one size, read from DIR/inputs-&lt;n&gt;.f32 (n float32 logits, then n targets).</summary>
internal sealed class PeerInputs
{
    private PeerInputs(float[] logits, float[] targets) => (Logits, Targets) = (logits, targets);

    public float[] Logits { get; }

    public float[] Targets { get; }

    public int Count => Logits.Length;

    public static PeerInputs Read(string directory, int n)
    {
        var path = Path.Combine(directory, $"inputs-{n}.f32");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 2L * n * sizeof(float))
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {2L * n * sizeof(float)} (2n float32)");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the input files are little endian");
        var values = MemoryMarshal.Cast<byte, float>(bytes);
        return new PeerInputs(values[..n].ToArray(), values[n..].ToArray());
    }
}
