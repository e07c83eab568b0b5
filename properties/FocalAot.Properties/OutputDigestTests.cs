using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Pins the outputs of every operation on a fixed corpus by a SHA-256 digest, per element type. The digests were taken
/// from the kernels before the runtime was reorganized around one loss descriptor: a refactor that changes any bit of
/// an existing call fails here. Change a digest only together with an intended change of the numerics, and re-check
/// every accuracy bound in the same commit. A process whose multiply-adds are not fused (x64 without FMA) computes the
/// same formulas with a multiply and an add, pinned by a digest of its own; every path of it must give that one.
/// </summary>
public sealed class OutputDigestTests
{
    private static readonly string FloatDigest = FocalRuntime.FusedMultiplyAdd
        ? "793fd82fd421c2348e4bb72af9772783a14392e5b146ddb4f335b38bcd46c22c"
        : "59b13684e0ea1db248ca5b0b646e19eaf8bccd279c9d4d02498fab5320957723";

    private static readonly string DoubleDigest = FocalRuntime.FusedMultiplyAdd
        ? "f065ab695fa1752ffc29408944aa2b0f996fd9fb4822fd88ac85587419bdf279"
        : "8f52903f3ed7b958ebea14b1b2014b3596ac0556e523399e3d4057ac271e3aaa";

    private static readonly double[] Gammas = [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 0.7, 2.2];
    private static readonly double[] Alphas = [0.25, -1, 0, 1, 0.6];
    private static readonly int[] Lengths = [1, 37, 4099, 20011];

    [Fact]
    public void Float_outputs_match_the_pinned_digest() => AssertDigest(FloatDigest, Digest<float>());

    [Fact]
    public void Double_outputs_match_the_pinned_digest() => AssertDigest(DoubleDigest, Digest<double>());

    private static void AssertDigest(string pinned, string actual) => PinnedDigest.AssertEqual(pinned, actual, "The outputs");

    private static string Digest<T>()
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var corpus = new Corpus(0x5EED_F0CA_1A07);
        foreach (var length in Lengths)
        {
            for (var g = 0; g < Gammas.Length; g++)
            {
                var (gamma, alpha) = (Gammas[g], Alphas[g % Alphas.Length]);
                var (x, y, u) = corpus.Next<T>(length);
                var first = new T[length];
                var second = new T[length];
                PinnedDigest.Append(hash, Run<T>(x, y, u, first, second, gamma, alpha));
                PinnedDigest.Append(hash, first);
                PinnedDigest.Append(hash, second);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every operation once, outputs left in <paramref name="first"/> and <paramref name="second"/> or returned.</summary>
    private static T[] Run<T>(T[] x, T[] y, T[] u, T[] first, T[] second, double gamma, double alpha)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        FocalLossOptions<T> Options(FocalReduction reduction = default) => new() { Gamma = gamma, Alpha = alpha, Reduction = reduction };

        var scalars = new T[6];
        scalars[0] = SigmoidFocalLoss.Forward(x, y, Options(FocalReduction.Sum));
        scalars[1] = SigmoidFocalLoss.Forward(x, y, Options(FocalReduction.Mean));
        scalars[2] = SigmoidFocalLoss.Forward(x, y, Options(FocalReduction.Normalized(3.5)));
        SigmoidFocalLoss.Backward(x, y, T.CreateTruncating(0.75), first, Options(FocalReduction.Mean));
        scalars[3] = first.Aggregate(T.Zero, (a, b) => a + b);
        SigmoidFocalLoss.Backward(x, y, u, first, Options());
        scalars[4] = SigmoidFocalLoss.ForwardBackward(x, y, second, Options(FocalReduction.Mean));
        scalars[5] = second.Aggregate(T.Zero, (a, b) => a + b);
        SigmoidFocalLoss.Forward(x, y, second, Options());
        var fusedLosses = new T[first.Length];
        var fusedGradient = new T[first.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, fusedLosses, fusedGradient, Options());
        Assert.Equal(MemoryMarshal.AsBytes<T>(second).ToArray(), MemoryMarshal.AsBytes<T>(fusedLosses).ToArray());
        return scalars;
    }

    /// <summary>A fixed-seed stream of logits (every range, ±∞, NaN), targets (hard and soft) and upstreams.</summary>
    private sealed class Corpus(ulong state) : SplitMix64(state)
    {
        public (T[] Logits, T[] Targets, T[] Upstream) Next<T>(int length)
            where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            var (x, y, u) = (new T[length], new T[length], new T[length]);
            for (var i = 0; i < length; i++)
            {
                x[i] = T.CreateTruncating(Logit());
                y[i] = T.CreateTruncating((Bits() % 3) switch { 0 => 0.0, 1 => 1.0, _ => Uniform() });
                u[i] = T.CreateTruncating((Uniform() - 0.5) * 4);
            }

            return (x, y, u);
        }

        private double Logit() => (Bits() % 16) switch
        {
            0 => (Uniform() - 0.5) * 2e4,
            1 => (Uniform() - 0.5) * 200,
            2 => (Bits() % 6) switch
            {
                0 => double.PositiveInfinity,
                1 => double.NegativeInfinity,
                2 => double.NaN,
                3 => -0.0,
                4 => 1e-30,
                _ => 88.5,
            },
            _ => (Uniform() - 0.5) * 16,
        };
    }
}
