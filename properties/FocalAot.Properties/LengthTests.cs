using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Every length 0..257 (every tail of every vector width, one block and a bit) and a few large odd lengths agree with
/// the reference; outputs are written inside their spans only.
/// </summary>
public sealed class LengthTests
{
    private const int Guard = 40;               // elements of sentinel either side of an output span
    private const double Sentinel = 12345.678;  // not a value any operation here produces

    private static readonly double[] Gammas = [0, 0.5, 1, 1.5, 2, 3, 5, 2.7];
    private static readonly double[] Alphas = [0.25, -1, 0.6, 1, 0];

    public static TheoryData<int> LargeOddLengths => [65_537, 1_000_003];

    [Fact]
    public void Every_length_from_0_to_257_matches_the_reference_within_its_span()
    {
        for (var n = 0; n <= 257; n++)
        {
            var value = BulkInputs.Create(seed: n, n, BulkInputs.Labels.Mixed, Gammas[n % Gammas.Length], Alphas[n % Alphas.Length]);
            CheckLength<float>(value);
            CheckLength<double>(value);
        }
    }

    [Theory]
    [MemberData(nameof(LargeOddLengths))]
    public void Large_odd_lengths_match_the_reference(int n)
    {
        var value = BulkInputs.Create(seed: n, n, BulkInputs.Labels.Mixed, gamma: 2, alpha: 0.25);
        CheckLength<float>(value);
        CheckLength<double>(value);
    }

    private static void CheckLength<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var n = value.Length;
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var upstream = FocalCase.As<T>(value.Upstream);
        var (g, a) = (value.Gamma, value.Alpha);
        var what = $"{typeof(T).Name} n = {n}";

        var losses = Guarded<T>(n);
        SigmoidFocalLoss.Forward(x, y, Inner(losses, n), value.Options<T>());
        AssertGuards(losses, n, $"{what} Forward");
        ReferenceCheck.Losses<T>(Inner(losses, n), x, y, g, a, Tolerances.Relative<T>(), $"{what} loss");

        var gradient = Guarded<T>(n);
        SigmoidFocalLoss.Backward(x, y, upstream, Inner(gradient, n), value.Options<T>());
        AssertGuards(gradient, n, $"{what} Backward");
        ReferenceCheck.Gradients<T>(Inner(gradient, n), x, y, upstream, 0, g, a, Tolerances.Relative<T>(), $"{what} gradient");

        var fusedLosses = Guarded<T>(n);
        var fusedGradient = Guarded<T>(n);
        var mean = SigmoidFocalLoss.ForwardBackward(x, y, Inner(fusedGradient, n), value.Options<T>(FocalReduction.Mean));
        AssertGuards(fusedGradient, n, $"{what} ForwardBackward(mean)");
        ReferenceCheck.Gradients<T>(Inner(fusedGradient, n), x, y, [], 1.0 / n, g, a, Tolerances.Relative<T>(), $"{what} gradient of mean");
        SigmoidFocalLoss.ForwardBackward(x, y, Inner(fusedLosses, n), Inner(fusedGradient, n), value.Options<T>());
        AssertGuards(fusedLosses, n, $"{what} ForwardBackward losses");
        AssertGuards(fusedGradient, n, $"{what} ForwardBackward gradient");
        Bits.AssertSame<T>(Inner(losses, n), Inner(fusedLosses, n), $"{what} fused loss");

        var sum = ReferenceSum.Of(ReferenceSum.LossesOf<T>(x, y, g, a));
        var subnormal = ReferenceCheck.SubnormalAllowance<T>(x, y, g, a);
        ReferenceCheck.Reduced(SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Sum)), sum, Tolerances.SumRelative<T>(n), (n * Tolerances.AbsoluteFloor) + subnormal, $"{what} sum");
        ReferenceCheck.Reduced(mean, sum / n, Tolerances.SumRelative<T>(n), Tolerances.AbsoluteFloor + (subnormal / n), $"{what} fused mean");
    }

    private static T[] Guarded<T>(int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var buffer = new T[n + (2 * Guard)];
        buffer.AsSpan().Fill(T.CreateTruncating(Sentinel));
        return buffer;
    }

    private static Span<T> Inner<T>(T[] buffer, int n) => buffer.AsSpan(Guard, n);

    private static void AssertGuards<T>(T[] buffer, int n, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var sentinel = T.CreateTruncating(Sentinel);
        for (var i = 0; i < Guard; i++)
        {
            Assert.True(buffer[i] == sentinel, $"{what} wrote before its span (offset {i - Guard})");
            Assert.True(buffer[Guard + n + i] == sentinel, $"{what} wrote past its span (offset {n + i})");
        }
    }
}
