using System.Runtime.InteropServices;

namespace FocalAot.Peers;

/// <summary>Writes DIR/&lt;peer&gt;.f32: the n per-element losses, then the n gradients of their sum, as float32.</summary>
internal static class AccuracyDump
{
    public static void Write(IPeer peer, PeerInputs inputs, string directory)
    {
        var n = inputs.Count;
        var values = new float[2 * n];
        peer.SetThreads(1);
        peer.Evaluate(inputs, values.AsSpan(0, n), values.AsSpan(n, n));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the accuracy files are little endian");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, $"{peer.Id}.f32"), MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
