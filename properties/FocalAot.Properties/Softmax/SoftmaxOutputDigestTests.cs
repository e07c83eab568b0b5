using System.Numerics;
using System.Security.Cryptography;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>
/// Pins the outputs of every softmax operation on a fixed corpus by a SHA-256 digest, per element type: row lengths
/// around every register width and up to LVIS's 1,203 classes, logits of every range (±∞ and NaN rows too), every
/// kind of target and the focal family's options. A change meant to keep the bits (a faster pass, a reordered row)
/// fails here if it does not. Change a digest only together with an intended change of the numerics, and re-check every
/// accuracy bound in the same commit. A process whose multiply-adds are not fused has a digest of its own.
/// </summary>
public sealed class SoftmaxOutputDigestTests
{
    private static readonly string FloatDigest = FocalRuntime.FusedMultiplyAdd
        ? "ca38f98deb5a3713e8fc9fd7337607bbcc4fc3168492005bacdf2091eeea47f2"
        : "ab9ab8314a3534b690d8a010e70a5d8a57a336ad77728da2dd2299389d56302a";

    private static readonly string DoubleDigest = FocalRuntime.FusedMultiplyAdd
        ? "eb15c35940ec4e09f3f2f331fcfcff01b65e17a0def5dc90cd2419b0c08dccc2"
        : "46260afe6630233a152dab2facd2440d006053d13ead85fb65be3704ab3bc1df";

    private static readonly int[] ClassCounts = [1, 2, 3, 7, 16, 17, 33, 80, 129, 1203];

    private const int Rows = 9;

    private const int CaseCount = 8;

    private const int IgnoredTarget = (int)FocalLossOptions<float>.DefaultIgnoreIndex;

    [Fact]
    public void Float_outputs_match_the_pinned_digest() => AssertDigest(FloatDigest, Digest<float>());

    [Fact]
    public void Double_outputs_match_the_pinned_digest() => AssertDigest(DoubleDigest, Digest<double>());

    private static void AssertDigest(string pinned, string actual) => PinnedDigest.AssertEqual(pinned, actual, "The softmax outputs");

    private static string Digest<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var corpus = new Corpus(0x50F7_3A8C_D16E);
        foreach (var classes in ClassCounts)
        {
            for (var kind = 0; kind < CaseCount; kind++)
                Run<T>(hash, corpus, classes, kind);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Case <paramref name="kind"/> at <paramref name="classes"/> classes: every operation once, each output hashed.</summary>
    private static void Run<T>(IncrementalHash hash, Corpus corpus, int classes, int kind)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var spatial = kind == 7 ? 3 : 1;
        var samples = Rows * spatial;
        var logits = corpus.Logits<T>(Rows, classes * spatial);
        var indices = corpus.Indices(samples, classes);
        var upstream = corpus.Upstream<T>(samples);
        var classAlpha = Enumerable.Range(0, classes).Select(c => 0.1 + (0.8 * c / Math.Max(1, classes - 1))).ToArray();
        var weights = Enumerable.Range(0, samples).Select(i => T.CreateTruncating(i % 4 * 0.5)).ToArray();
        var options = kind switch
        {
            0 => new FocalLossOptions<T> { Gamma = 0, Alpha = -1 },
            1 => new FocalLossOptions<T> { Gamma = 2, IgnoreIndex = 1 },
            2 => new FocalLossOptions<T> { Gamma = 2.2, LabelSmoothing = 0.1 },
            3 => new FocalLossOptions<T> { Gamma = 0.5, Alpha = -1 },
            4 => new FocalLossOptions<T> { Gamma = 5, ClassAlpha = classAlpha, Weights = weights },
            5 => new FocalLossOptions<T> { SampleDependentGamma = true },
            6 => new FocalLossOptions<T> { Gamma = 1.5, PolyEpsilon = 1 },
            _ => new FocalLossOptions<T> { Gamma = 3 },
        };
        var shape = new SoftmaxShape(classes, spatial);
        var reduced = options with { Reduction = kind == 4 ? FocalReduction.WeightedMean : FocalReduction.Mean };
        var losses = new T[samples];
        var gradient = new T[logits.Length];
        if (kind == 3)
        {
            var probabilities = corpus.Probabilities<T>(Rows, classes);
            SoftmaxFocalLoss.Forward<T, T>(logits, probabilities, shape, losses, options);
            PinnedDigest.Append(hash, losses);
            PinnedDigest.Append(hash, [SoftmaxFocalLoss.Forward<T, T>(logits, probabilities, shape, reduced)]);
            SoftmaxFocalLoss.Backward<T, T>(logits, probabilities, shape, upstream, gradient, options);
            PinnedDigest.Append(hash, gradient);
            PinnedDigest.Append(hash, [SoftmaxFocalLoss.ForwardBackward<T, T>(logits, probabilities, shape, gradient, reduced)]);
            PinnedDigest.Append(hash, gradient);
            return;
        }

        if (kind == 1)
        {
            // Its ignore index is class 1; the sample the corpus ignores gets it too.
            var wide = indices.Select(i => i < 0 ? 1L : i).ToArray();
            SoftmaxFocalLoss.ForwardBackward<T, long>(logits, wide, shape, losses, gradient, options);
            PinnedDigest.Append(hash, losses);
            PinnedDigest.Append(hash, gradient);
            PinnedDigest.Append(hash, [SoftmaxFocalLoss.Forward<T, long>(logits, wide, shape, reduced)]);
            return;
        }

        SoftmaxFocalLoss.Forward<T, int>(logits, indices, shape, losses, options);
        PinnedDigest.Append(hash, losses);
        PinnedDigest.Append(hash, [SoftmaxFocalLoss.Forward<T, int>(logits, indices, shape, reduced)]);
        SoftmaxFocalLoss.Backward<T, int>(logits, indices, shape, upstream, gradient, options);
        PinnedDigest.Append(hash, gradient);
        SoftmaxFocalLoss.Backward<T, int>(logits, indices, shape, T.CreateTruncating(0.5), gradient, reduced);
        PinnedDigest.Append(hash, gradient);
        SoftmaxFocalLoss.ForwardBackward<T, int>(logits, indices, shape, losses, gradient, options);
        PinnedDigest.Append(hash, losses);
        PinnedDigest.Append(hash, gradient);
    }

    /// <summary>A fixed-seed stream of logit rows (each of one kind), class indices, probabilities and upstreams.</summary>
    private sealed class Corpus(ulong state) : SplitMix64(state)
    {
        public T[] Logits<T>(int rows, int length)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            var logits = new T[rows * length];
            for (var row = 0; row < rows; row++)
            {
                var kind = Bits() % 12;
                for (var j = 0; j < length; j++)
                    logits[(row * length) + j] = T.CreateTruncating(Logit(kind, j));
            }

            return logits;
        }

        /// <summary>Class indices; sample 2 has the default ignore index.</summary>
        public int[] Indices(int samples, int classes)
            => [.. Enumerable.Range(0, samples).Select(i => i == 2 ? IgnoredTarget : (int)(Bits() % (ulong)classes))];

        public T[] Probabilities<T>(int rows, int classes)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            var probabilities = new T[rows * classes];
            for (var row = 0; row < rows; row++)
            {
                // One class takes what the others leave; a third of the rows are one-hot.
                var hot = (int)(Bits() % (ulong)classes);
                var rest = 1.0;
                for (var j = 0; j < classes && row % 3 != 0; j++)
                {
                    var share = j == hot ? 0 : rest * Uniform() / classes;
                    probabilities[(row * classes) + j] = T.CreateTruncating(share);
                    rest -= share;
                }

                probabilities[(row * classes) + hot] = T.CreateTruncating(row % 3 == 0 ? 1 : rest);
            }

            return probabilities;
        }

        public T[] Upstream<T>(int samples)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => [.. Enumerable.Range(0, samples).Select(_ => T.CreateTruncating((Uniform() - 0.5) * 4))];

        /// <summary>Logit j of a row of kind <paramref name="kind"/>: ordinary, huge, tied, saturated or non-finite rows.</summary>
        private double Logit(ulong kind, int j) => kind switch
        {
            0 => (Uniform() - 0.5) * 2e4,
            1 => (Uniform() - 0.5) * 200,
            2 => 3.25,
            3 => j == 0 ? 40 : (Uniform() - 0.5) * 2,
            4 => j == 1 ? double.NegativeInfinity : (Uniform() - 0.5) * 16,
            5 => (Bits() % 64) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => (Uniform() - 0.5) * 16 },
            6 => (Bits() % 2) == 0 ? -0.0 : 0.0,
            _ => (Uniform() - 0.5) * 16,
        };
    }
}
