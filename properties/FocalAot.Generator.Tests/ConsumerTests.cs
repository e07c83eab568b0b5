using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using FocalAot.Generator.Tests.Support;

namespace FocalAot.Generator.Tests;

/// <summary>
/// A consumer's class with [FocalKernel] attributes, compiled with the generator against the real FocalAot.dll, loaded
/// and run: each generated entry point gives the same bits as SigmoidFocalLoss with the same γ. (γ = 2 and 2.5 run the
/// runtime's built-in specializations, which the same generator wrote; γ = 0.7 its generic exp·log kernel, which the
/// generated transcendental power reproduces.)
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
            Compare<float, SingleApi>(new GeneratedKernel<float>(type), gamma, logits, targets);
        else
            Compare<double, DoubleApi>(new GeneratedKernel<double>(type), gamma, logits, targets);
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
            Assert.Equal(SigmoidFocalLoss.DescribeKernel(gamma), string.Create(CultureInfo.InvariantCulture, $"specialized γ = {gamma}: {description}"));
        }

        var generic = consumer.Assembly.GetType("Consumer.Kernels+Gamma0_7+Power", throwOnError: true)!;
        Assert.Equal(Kernels.FocalPowerForm.Transcendental, generic.GetProperty("Form")!.GetValue(null));
        Assert.StartsWith("generic γ = 0.7", SigmoidFocalLoss.DescribeKernel(0.7), StringComparison.Ordinal);
    }

    private static void Compare<T, TApi>(GeneratedKernel<T> kernel, double gamma, LogitKind logitKind, TargetKind targetKind)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IRuntimeApi<T>
    {
        foreach (var length in Inputs.Lengths)
        {
            var (logits, targets, upstream) = Inputs.Make<T>(length, logitKind, targetKind, seed: (length * 31) + (int)logitKind + (10 * (int)targetKind));
            var alpha = (length % 3) switch { 0 => 0.25, 1 => -1.0, _ => 0.8 };
            var scalar = T.CreateTruncating(1.5);
            var what = string.Create(CultureInfo.InvariantCulture, $"γ = {gamma}, {typeof(T).Name}, n = {length}, α = {alpha}");
            var expected = new T[length];
            var actual = new T[length];
            var expectedGradient = new T[length];
            var actualGradient = new T[length];

            TApi.Forward(logits, targets, expected, gamma, alpha);
            kernel.Forward(logits, targets, actual, alpha);
            Bits.AssertIdentical<T>(expected, actual, $"Forward none, {what}");

            Bits.AssertIdentical(TApi.Forward(logits, targets, FocalReduction.Mean, gamma, alpha), kernel.ForwardReduce(logits, targets, FocalReduction.Mean, alpha), $"Forward mean, {what}");
            Bits.AssertIdentical(TApi.Forward(logits, targets, FocalReduction.Sum, gamma, alpha), kernel.ForwardReduce(logits, targets, FocalReduction.Sum, alpha), $"Forward sum, {what}");

            TApi.Backward(logits, targets, upstream, expectedGradient, gamma, alpha);
            kernel.Backward(logits, targets, upstream, actualGradient, alpha);
            Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"Backward upstream, {what}");

            TApi.Backward(logits, targets, FocalReduction.Mean, scalar, expectedGradient, gamma, alpha);
            kernel.BackwardReduce(logits, targets, FocalReduction.Mean, scalar, actualGradient, alpha);
            Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"Backward mean, {what}");

            TApi.ForwardBackward(logits, targets, expected, expectedGradient, gamma, alpha);
            kernel.ForwardBackward(logits, targets, actual, actualGradient, alpha);
            Bits.AssertIdentical<T>(expected, actual, $"ForwardBackward none losses, {what}");
            Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"ForwardBackward none gradient, {what}");

            var expectedMean = TApi.ForwardBackward(logits, targets, FocalReduction.Mean, expectedGradient, gamma, alpha);
            var actualMean = kernel.ForwardBackwardReduce(logits, targets, FocalReduction.Mean, actualGradient, alpha);
            Bits.AssertIdentical(expectedMean, actualMean, $"ForwardBackward mean, {what}");
            Bits.AssertIdentical<T>(expectedGradient, actualGradient, $"ForwardBackward mean gradient, {what}");
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
