using FocalAot.Properties.Support;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// Behaviour at the edges of the contract: outputs written over invalid targets, the largest γ, NaN sums on every path,
/// and the bound on worker threads.
/// </summary>
public sealed class ReliabilityTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(300_001)]
    public void An_output_over_invalid_targets_names_the_first_bad_target(int length)
    {
        var bad = length - 2;
        float[] Targets()
        {
            var targets = new float[length];
            targets[bad] = 2;
            targets[length - 1] = -0.5f;
            return targets;
        }

        var x = new float[length];
        var y = Targets();
        AssertNamesTarget(() => SigmoidFocalLoss.Forward(x, y, y, new() { Gamma = 2, Alpha = -1 }), bad, "2");
        y = Targets();
        AssertNamesTarget(() => SigmoidFocalLoss.ForwardBackward(x, y, y, new float[length]), bad, "2");
        y = Targets();
        AssertNamesTarget(() => SigmoidFocalLoss.ForwardBackward(x, y, new float[length], y), bad, "2");
        y = Targets();
        AssertNamesTarget(() => SigmoidFocalLoss.Backward(x, y, new float[length], y), bad, "2");
        var yd = Array.ConvertAll(Targets(), v => (double)v);
        AssertNamesTarget(() => SigmoidFocalLoss.Backward(new double[length], yd, 1.0, yd, new() { Reduction = FocalReduction.Mean }), bad, "2");
    }

    [Theory]
    [InlineData(1e6 * (1 + 1e-15))]
    [InlineData(1.7014118e38)]
    [InlineData(1e39)]
    [InlineData(double.MaxValue)]
    public void Gamma_above_the_maximum_is_an_argument_error(double gamma)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => SigmoidFocalLoss.Backward([0f, 5], [0f, 1], 1f, new float[2], new() { Gamma = gamma, Reduction = FocalReduction.Sum }));
        Assert.Equal("gamma", exception.ParamName);
        Assert.Contains("<= 1e6", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_gamma_gives_finite_gradients()
    {
        float[] x = [0, 5, -5, 30, -30, 1e4f];
        float[] y = [0, 1, 0.5f, 0, 1, 0.25f];
        var (losses, gradient) = (new float[x.Length], new float[x.Length]);
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, new() { Gamma = SigmoidFocalLoss.MaxGamma, Alpha = 0.25 });
        Assert.All(gradient, g => Assert.True(float.IsFinite(g), $"gradient {g}"));
        Assert.All(losses, l => Assert.True(float.IsFinite(l) && l >= 0, $"loss {l}"));

        double[] xd = [0, 5, -5, 30, -30, 1e4];
        double[] yd = [0, 1, 0.5, 0, 1, 0.25];
        var gradientD = new double[xd.Length];
        SigmoidFocalLoss.Backward(xd, yd, 1.0, gradientD, new() { Gamma = SigmoidFocalLoss.MaxGamma, Alpha = 0.25, Reduction = FocalReduction.Mean });
        Assert.All(gradientD, g => Assert.True(double.IsFinite(g), $"gradient {g}"));
    }

    [Fact]
    public void A_NaN_sum_is_the_positive_quiet_NaN_on_every_path()
    {
        using var settings = new RuntimeSettingsScope();
        var x = new float[17];
        (x[0], x[16]) = (float.NaN, -float.NaN);
        var xd = Array.ConvertAll(x, v => (double)v);
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            Assert.Equal(0x7FC0_0000, BitConverter.SingleToInt32Bits(
                SigmoidFocalLoss.Forward(x, new float[17], new FocalLossOptions<float> { Reduction = FocalReduction.Sum })));
            Assert.Equal(0x7FC0_0000, BitConverter.SingleToInt32Bits(
                SigmoidFocalLoss.Forward(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty,
                    new FocalLossOptions<float> { Reduction = FocalReduction.Mean })));
            Assert.Equal(0x7FF8_0000_0000_0000, BitConverter.DoubleToInt64Bits(
                SigmoidFocalLoss.ForwardBackward(xd, new double[17], new double[17],
                    new FocalLossOptions<double> { Reduction = FocalReduction.Mean })));
        }
    }

    [Fact]
    public void Worker_threads_never_exceed_the_processor_count()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "counts threads by name in /proc/self/task");
        using var settings = new RuntimeSettingsScope();
        FocalRuntime.MaxDegreeOfParallelism = int.MaxValue;
        var length = 1 << 22; // 256 chunks: one worker each, were threads unbounded
        SigmoidFocalLoss.Forward(new float[length], new float[length], new FocalLossOptions<float> { Reduction = FocalReduction.Sum });
        Assert.InRange(CountWorkerThreads(), 0, Environment.ProcessorCount - 1);
    }

    private static int CountWorkerThreads()
        => Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("FocalAot worker", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // the thread exited while we looked
            }
        });

    private static void AssertNamesTarget(Action call, int index, string value)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal("targets", exception.ParamName);
        Assert.Contains($"targets[{index}] = {value} is invalid", exception.Message, StringComparison.Ordinal);
    }
}
