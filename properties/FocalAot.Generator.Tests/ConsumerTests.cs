using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using FocalAot.Generator.Tests.Support;

namespace FocalAot.Generator.Tests;

/// <summary>
/// A consumer's class with [FocalKernel] attributes, compiled with the generator against the real FocalAot.dll, loaded
/// and run: each generated entry point gives the same bits as SigmoidFocalLoss with the same γ and options (α, per-class
/// α, weights, reductions). (γ = 2 and 2.5 run the runtime's built-in specializations, which the same generator wrote;
/// γ = 0.7 its generic exp·log kernel, which the generated transcendental power reproduces.)
/// </summary>
public sealed class ConsumerTests : IClassFixture<ConsumerTests.ConsumerAssembly>
{
    private const string Source = """
        using FocalAot;

        namespace Consumer;

        /// <summary>A consumer's kernels.</summary>
        [FocalKernel(2.0, Precision.Single)]
        [FocalKernel(2.5, Precision.Single)]
        [FocalKernel(0.7, Precision.Single)]
        [FocalKernel(2.0, Precision.Double)]
        public static partial class Kernels;
        """;

    private readonly ConsumerAssembly consumer;

    public ConsumerTests(ConsumerAssembly consumer) => this.consumer = consumer;

    public static TheoryData<string, string, LogitKind, TargetKind> Cases()
    {
        var data = new TheoryData<string, string, LogitKind, TargetKind>();
        foreach (var (precision, gamma) in new[] { ("Single", "2"), ("Single", "2.5"), ("Single", "0.7"), ("Double", "2") })
        {
            foreach (var logits in Enum.GetValues<LogitKind>())
            {
                foreach (var targets in Enum.GetValues<TargetKind>())
                    data.Add(precision, gamma, logits, targets);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_entry_points_match_the_runtime_API_bit_for_bit(string precision, string gammaText, LogitKind logits, TargetKind targets)
    {
        var gamma = double.Parse(gammaText, CultureInfo.InvariantCulture);
        var typeName = "Consumer.Kernels+Gamma" + gammaText.Replace('.', '_');
        var type = consumer.Assembly.GetType(typeName, throwOnError: true)!;
        if (precision == "Single")
            Compare(new GeneratedKernel<float>(type), gamma, logits, targets);
        else
            Compare(new GeneratedKernel<double>(type), gamma, logits, targets);
    }

    [Fact]
    public void The_dispatch_table_finds_exactly_the_declared_kernels()
    {
        var kernels = consumer.Assembly.GetType("Consumer.Kernels", throwOnError: true)!;
        var tryDispatch = kernels.GetMethod("TryDispatch", BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(typeof(Recorder));
        string? Dispatch(double gamma, Precision precision)
        {
            object?[] arguments = [gamma, precision, new Recorder()];
            var found = (bool)tryDispatch.Invoke(null, arguments)!;
            var visited = ((Recorder)arguments[2]!).Power;
            Assert.Equal(found, visited is not null);
            return visited?.DeclaringType!.Name;
        }

        Assert.Equal("Gamma2", Dispatch(2.0, Precision.Single));
        Assert.Equal("Gamma2", Dispatch(2.0, Precision.Double));
        Assert.Equal("Gamma2_5", Dispatch(2.5, Precision.Single));
        Assert.Equal("Gamma0_7", Dispatch(0.7, Precision.Single));
        Assert.Null(Dispatch(2.5, Precision.Double));
        Assert.Null(Dispatch(0.7, Precision.Double));
        Assert.Null(Dispatch(3.0, Precision.Single));
        Assert.Null(Dispatch(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(0.7) + 1), Precision.Single));
    }

    [Fact]
    public void Power_operators_describe_themselves_like_the_runtime()
    {
        foreach (var (name, gamma) in new[] { ("Gamma2", 2.0), ("Gamma2_5", 2.5) })
        {
            var power = consumer.Assembly.GetType($"Consumer.Kernels+{name}+Power", throwOnError: true)!;
            var description = (string)power.GetProperty("Description")!.GetValue(null)!;
            Assert.Equal(2.0 == gamma ? "multiplications" : "a square root and multiplications", description);
            Assert.Equal(SigmoidFocalLoss.DescribeKernel(gamma),
                string.Create(CultureInfo.InvariantCulture, $"specialized γ = {gamma}: {description}"));
        }

        var generic = consumer.Assembly.GetType("Consumer.Kernels+Gamma0_7+Power", throwOnError: true)!;
        Assert.Equal(Kernels.FocalPowerForm.Transcendental, generic.GetProperty("Form")!.GetValue(null));
        Assert.StartsWith("generic γ = 0.7", SigmoidFocalLoss.DescribeKernel(0.7), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_computes_softmax_focal_loss_with_the_bits_of_SoftmaxFocalLoss()
    {
        var type = consumer.Assembly.GetType("Consumer.Kernels+Gamma2_5", throwOnError: true)!;
        var fused = type.GetMethods()
            .Single(m => m.Name == "SoftmaxForwardBackward" && m.GetParameters().Length == 6)
            .MakeGenericMethod(typeof(int))
            .CreateDelegate<SoftmaxFused>();
        const int Classes = 7;
        var (logits, _, _) = Inputs.Make<float>(5 * Classes, LogitKind.Normal, TargetKind.Soft, seed: 11);
        int[] labels = [0, 6, -100, 3, 2];
        var losses = new float[5];
        var gradient = new float[logits.Length];
        var expectedLosses = new float[5];
        var expectedGradient = new float[logits.Length];
        fused(logits, labels, Classes, losses, gradient, new() { LabelSmoothing = 0.1, Alpha = 0.5 });
        SoftmaxFocalLoss.ForwardBackward<float, int>(
            logits, labels, Classes, expectedLosses, expectedGradient, new() { Gamma = 2.5, LabelSmoothing = 0.1, Alpha = 0.5 });
        Bits.AssertIdentical<float>(expectedLosses, losses, "SoftmaxForwardBackward losses");
        Bits.AssertIdentical<float>(expectedGradient, gradient, "SoftmaxForwardBackward gradient");

        var refusal = Assert.Throws<ArgumentException>(() => fused(logits, labels, Classes, losses, gradient, new() { Gamma = 2 }));
        Assert.Equal("options", refusal.ParamName);
        Assert.Contains("specialized for gamma = 2.5", refusal.Message, StringComparison.Ordinal);
    }

    private delegate void SoftmaxFused(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, SoftmaxShape shape, Span<float> losses, Span<float> gradient,
        FocalLossOptions<float> options);

    [Fact]
    public void A_kernel_takes_options_with_its_own_gamma_and_refuses_another()
    {
        var kernel = new GeneratedKernel<float>(consumer.Assembly.GetType("Consumer.Kernels+Gamma2", throwOnError: true)!);
        var (logits, targets, upstream) = Inputs.Make<float>(37, LogitKind.Normal, TargetKind.Soft, seed: 5);
        var losses = new float[37];
        var gradient = new float[37];

        // γ unset, or set to the kernel's: the same call.
        kernel.Forward(logits, targets, losses, new() { Gamma = 2.0 });
        var unset = new float[37];
        kernel.Forward(logits, targets, unset, default);
        Bits.AssertIdentical<float>(unset, losses, "Forward with γ = 2 set");

        foreach (var gamma in new[] { 2.5, 0.0, double.NaN })
        {
            var what = string.Create(CultureInfo.InvariantCulture, $"options.Gamma = {gamma}");
            AssertRefused(() => kernel.Forward(logits, targets, losses, new() { Gamma = gamma }), what);
            AssertRefused(() => kernel.ForwardReduce(logits, targets, new() { Gamma = gamma, Reduction = FocalReduction.Mean }), what);
            AssertRefused(() => kernel.Backward(logits, targets, upstream, gradient, new() { Gamma = gamma }), what);
            AssertRefused(
                () => kernel.BackwardReduce(logits, targets, 1f, gradient, new() { Gamma = gamma, Reduction = FocalReduction.Sum }), what);
            AssertRefused(() => kernel.ForwardBackward(logits, targets, losses, gradient, new() { Gamma = gamma }), what);
            AssertRefused(
                () => kernel.ForwardBackwardReduce(logits, targets, gradient, new() { Gamma = gamma, Reduction = FocalReduction.Mean }), what);
        }

        // The focal family: Poly-1 runs with the kernel's γ; FLSD-53 chooses γ itself, so the kernel refuses it.
        kernel.Forward(logits, targets, losses, new() { PolyEpsilon = 1 });
        SigmoidFocalLoss.Forward<float>(logits, targets, unset, new() { Gamma = 2, PolyEpsilon = 1 });
        Bits.AssertIdentical<float>(unset, losses, "Forward with Poly-1");
        AssertRefused(() => kernel.Forward(logits, targets, losses, new() { SampleDependentGamma = true }), "SampleDependentGamma");

        static void AssertRefused(Action call, string what)
        {
            var error = Record.Exception(call);
            if (error is not ArgumentException { ParamName: "options" } refusal || refusal.GetType() != typeof(ArgumentException))
            {
                Assert.Fail($"{what}: expected an ArgumentException naming options, got {error?.GetType().Name ?? "no exception"}: {error?.Message}");
                return;
            }

            Assert.Contains("specialized for gamma = 2", refusal.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>One set of options a comparison runs: α (scalar, off, or per class), per-element weights (empty: none)
    /// and two reductions for the reduced calls.</summary>
    private sealed record OptionCase<T>(string Name, double Alpha, T[] Weights, double[] ClassAlpha, FocalReduction First, FocalReduction Second)
        where T : unmanaged
    {
        /// <summary>These options with <paramref name="reduction"/>; γ set when <paramref name="gamma"/> is given.</summary>
        public FocalLossOptions<T> With(FocalReduction reduction, double? gamma)
            => gamma is { } g
                ? new() { Gamma = g, Alpha = Alpha, Weights = Weights, ClassAlpha = ClassAlpha, Reduction = reduction }
                : new() { Alpha = Alpha, Weights = Weights, ClassAlpha = ClassAlpha, Reduction = reduction };
    }

    private static IEnumerable<OptionCase<T>> OptionCases<T>(int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var alpha = (length % 3) switch { 0 => 0.25, 1 => -1.0, _ => 0.8 };
        var weights = Inputs.Weights<T>(length, seed: length + 1);
        yield return new("plain", alpha, [], [], FocalReduction.Mean, FocalReduction.Sum);
        yield return new("weights", 0.25, weights, [], FocalReduction.WeightedMean, FocalReduction.Normalized(3));
        yield return new("class α and weights", 0.25, weights, [0.0, 0.3, 1.0], FocalReduction.Mean, FocalReduction.WeightedMean);
    }

    /// <summary>
    /// Every entry point of <paramref name="kernel"/> against SigmoidFocalLoss with γ = <paramref name="gamma"/>, for
    /// every length and option case; the kernel's options leave γ unset or set it to the kernel's, alternately.
    /// </summary>
    private static void Compare<T>(GeneratedKernel<T> kernel, double gamma, LogitKind logitKind, TargetKind targetKind)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var call = 0;
        foreach (var length in Inputs.Lengths)
        {
            var (logits, targets, upstream) = Inputs.Make<T>(length, logitKind, targetKind,
                seed: (length * 31) + (int)logitKind + (10 * (int)targetKind));
            var scalar = T.CreateTruncating(1.5);
            var expected = new T[length];
            var actual = new T[length];
            var expectedGradient = new T[length];
            var actualGradient = new T[length];

            foreach (var options in OptionCases<T>(length))
            {
                double? kernelGamma = call++ % 2 == 0 ? null : gamma;
                var what = string.Create(CultureInfo.InvariantCulture,
                    $"γ = {gamma}, {typeof(T).Name}, n = {length}, {options.Name}, α = {options.Alpha}, "
                    + $"kernel's options.Gamma {(kernelGamma is null ? "unset" : "set")}");
                var none = FocalReduction.None;

                SigmoidFocalLoss.Forward<T>(logits, targets, expected, options.With(none, gamma));
                kernel.Forward(logits, targets, actual, options.With(none, kernelGamma));
                Bits.AssertIdentical<T>(expected, actual, $"Forward none, {what}");

                foreach (var reduction in new[] { options.First, options.Second })
                {
                    Bits.AssertIdentical(
                        SigmoidFocalLoss.Forward<T>(logits, targets, options.With(reduction, gamma)),
                        kernel.ForwardReduce(logits, targets, options.With(reduction, kernelGamma)),
                        $"Forward {reduction}, {what}");
                }

                SigmoidFocalLoss.Backward<T>(logits, targets, upstream, expectedGradient, options.With(none, gamma));
                kernel.Backward(logits, targets, upstream, actualGradient, options.With(none, kernelGamma));
                Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"Backward upstream, {what}");

                SigmoidFocalLoss.Backward<T>(logits, targets, scalar, expectedGradient, options.With(options.First, gamma));
                kernel.BackwardReduce(logits, targets, scalar, actualGradient, options.With(options.First, kernelGamma));
                Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"Backward {options.First}, {what}");

                SigmoidFocalLoss.ForwardBackward<T>(logits, targets, expected, expectedGradient, options.With(none, gamma));
                kernel.ForwardBackward(logits, targets, actual, actualGradient, options.With(none, kernelGamma));
                Bits.AssertIdentical<T>(expected, actual, $"ForwardBackward none losses, {what}");
                Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"ForwardBackward none gradient, {what}");

                foreach (var reduction in new[] { options.First, options.Second })
                {
                    var expectedLoss = SigmoidFocalLoss.ForwardBackward<T>(logits, targets, expectedGradient, options.With(reduction, gamma));
                    var actualLoss = kernel.ForwardBackwardReduce(logits, targets, actualGradient, options.With(reduction, kernelGamma));
                    Bits.AssertIdentical(expectedLoss, actualLoss, $"ForwardBackward {reduction}, {what}");
                    Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"ForwardBackward {reduction} gradient, {what}");
                }
            }
        }
    }

    /// <summary>Records which power operator a dispatch table visited.</summary>
    public struct Recorder : Kernels.IFocalPowerVisitor
    {
        public Type? Power { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, Kernels.IFocalPower
            => Power = typeof(TPower);
    }

    /// <summary>The consumer source, generated, compiled and loaded once into a collectible load context (FocalAot itself is shared).</summary>
    public sealed class ConsumerAssembly : IDisposable
    {
        private readonly AssemblyLoadContext context = new("FocalAot.Generator.Tests.Consumer", isCollectible: true);

        public ConsumerAssembly()
        {
            var (output, _) = Compilations.Generate(Compilations.Create(Source));
            Compilations.AssertClean(output);
            using var image = new MemoryStream(Compilations.Emit(output));
            Assembly = context.LoadFromStream(image);
        }

        public Assembly Assembly { get; }

        public void Dispose() => context.Unload();
    }
}
