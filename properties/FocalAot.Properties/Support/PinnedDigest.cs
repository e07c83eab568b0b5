using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Xunit;

namespace FocalAot.Properties.Support;

/// <summary>The plumbing of the tests that pin outputs by a SHA-256 digest: hashing arrays and comparing with the pin.</summary>
internal static class PinnedDigest
{
    /// <summary>Adds the bytes of <paramref name="values"/> to <paramref name="hash"/>.</summary>
    public static void Append<T>(IncrementalHash hash, T[] values)
        where T : unmanaged
        => hash.AppendData(MemoryMarshal.AsBytes<T>(values));

    /// <summary>Fails, naming both digests, when <paramref name="actual"/> is not <paramref name="pinned"/>.</summary>
    public static void AssertEqual(string pinned, string actual, string outputs)
        => Assert.True(pinned == actual, $"{outputs} changed: their digest is {actual}, pinned {pinned}.");
}
