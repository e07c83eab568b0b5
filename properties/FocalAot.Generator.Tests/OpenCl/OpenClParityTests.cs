using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using FocalAot.Generator.Tests.Support;
using Silk.NET.OpenCL;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// focal_sigmoid_forward_backward on the OpenCL device gives the same bits as SigmoidFocalLoss.ForwardBackward
/// (reduction none) on the CPU: the emitted C uses the kernels' formulas, operation order, polynomials and FMA, with
/// FP_CONTRACT off and correctly rounded division and square root. A failure says first whether the results are at
/// least within the accuracy bound (2e-6 relative for float, 1e-13 for double), then how many elements differ in bits.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed partial class OpenClParityTests
{
    private const int Length = 1000;

    private readonly OpenClFixture fixture;

    public OpenClParityTests(OpenClFixture fixture) => this.fixture = fixture;

    public static TheoryData<string, string, LogitKind, TargetKind> Cases()
    {
        var data = new TheoryData<string, string, LogitKind, TargetKind>();
        foreach (var (source, precision) in new[] { ("Gamma2", "Single"), ("Gamma2", "Double"), ("Gamma0_7", "Single"), ("Gamma0_7", "Double") })
        {
            foreach (var logits in Enum.GetValues<LogitKind>())
            {
                foreach (var targets in Enum.GetValues<TargetKind>())
                    data.Add(source, precision, logits, targets);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_matches_the_CPU_bit_for_bit(string kernel, string precision, LogitKind logits, TargetKind targets)
    {
        var device = fixture.Device;
        var single = precision == "Single";
        if (!device.SupportsDouble && (!single || kernel == "Gamma0_7"))
            Assert.Skip($"{device.Name} has no cl_khr_fp64.");

        // γ = 2: a runtime built-in kernel; γ = 0.7: one generated for a consumer class (exp·log in double).
        var gamma = kernel == "Gamma2" ? 2.0 : 0.7;

        // torchvision's α, a larger one, and no α weighting (α < 0: weight_offset = 1).
        var alpha = (kernel, logits) switch
        {
            ("Gamma2", LogitKind.Normal) => 0.25,
            ("Gamma2", _) => -1.0,
            (_, LogitKind.Normal) => 0.8,
            _ => 0.25,
        };
        var source = kernel == "Gamma2"
            ? KernelSources.BuiltIn(kernel, single ? Precision.Single : Precision.Double)
            : KernelSources.Consumer(single ? Precision.Single : Precision.Double);
        if (single)
            Compare<float>(device, source, gamma, alpha, logits, targets);
        else
            Compare<double>(device, source, gamma, alpha, logits, targets);
    }

    private static void Compare<T>(OpenClDevice device, string source, double gamma, double alpha, LogitKind logitKind, TargetKind targetKind)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (logits, targets, _) = Inputs.Make<T>(Length, logitKind, targetKind, seed: 7 + (int)logitKind + (2 * (int)targetKind));
        var expectedLosses = new T[Length];
        var expectedGradient = new T[Length];
        SigmoidFocalLoss.ForwardBackward<T>(logits, targets, expectedLosses, expectedGradient, new() { Gamma = gamma, Alpha = alpha });

        var (losses, gradient, invalid) = RunForwardBackward(device, source, logits, targets, alpha);

        Assert.Equal(0, invalid);
        var what = string.Create(CultureInfo.InvariantCulture, $"{device.Name}, γ = {gamma}, {typeof(T).Name}, α = {alpha}, {logitKind} logits, {targetKind} targets");
        var tolerance = typeof(T) == typeof(float) ? 2e-6 : 1e-13;
        var loss = Difference(expectedLosses, losses);
        var slope = Difference(expectedGradient, gradient);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"losses: {loss.Count} of {Length} differ, max relative error {loss.MaxRelative:G3}{Worst(loss.Worst, expectedLosses, losses)}; "
            + $"gradient: {slope.Count} of {Length} differ, max relative error {slope.MaxRelative:G3}{Worst(slope.Worst, expectedGradient, gradient)}");

        string Worst(int i, T[] cpu, T[] openCl) => i < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture,
            $" (at x = {logits[i]:R}, y = {targets[i]:R}: CPU {cpu[i]:R}, OpenCL {openCl[i]:R})");
        Assert.True(loss.MaxRelative <= tolerance && slope.MaxRelative <= tolerance, $"OpenCL vs CPU beyond {tolerance:G} relative ({what}): {summary}");
        Assert.True(loss.Count == 0 && slope.Count == 0, $"OpenCL vs CPU within {tolerance:G} relative but not bit-identical ({what}): {summary}");
    }

    /// <summary>How many elements differ in bits, the largest relative difference, and where it is (-1: nowhere).</summary>
    private static (int Count, double MaxRelative, int Worst) Difference<T>(T[] expected, T[] actual)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var count = 0;
        var maxRelative = 0.0;
        var worst = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            if (Bits.Of(expected[i]) == Bits.Of(actual[i]))
                continue;
            count++;
            var e = double.CreateTruncating(expected[i]);
            var a = double.CreateTruncating(actual[i]);
            // Relative to the smallest normal number at least: subnormal results carry absolute, not relative, accuracy.
            var smallestNormal = Math.ScaleB(1.0, typeof(T) == typeof(float) ? -126 : -1022);
            var relative = double.IsNaN(e) || double.IsNaN(a) ? double.PositiveInfinity : Math.Abs(a - e) / Math.Max(Math.Abs(e), smallestNormal);
            if (worst < 0 || relative > maxRelative)
                (maxRelative, worst) = (relative, i);
        }

        return (count, maxRelative, worst);
    }

    /// <summary>The parameters <see cref="RunForwardBackward"/> passes, in order.</summary>
    private static readonly string[] Parameters =
        ["logits", "targets", "positive_weight", "negative_weight", "weight_offset", "scale", "scale_exponent", "losses", "gradient", "invalid_targets"];

    private static (T[] Losses, T[] Gradient, int Invalid) RunForwardBackward<T>(OpenClDevice device, string source, T[] logits, T[] targets, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The arguments below follow the emitted signature; a change to it must fail here, not give wrong numbers.
        var signature = Signature().Match(source);
        Assert.True(signature.Success, "The source has no focal_sigmoid_forward_backward kernel.");
        Assert.Equal(Parameters, signature.Groups[1].Value.Split(',').Select(parameter => parameter.Trim().Split(' ', '*')[^1]));

        var (program, status, log) = device.Build(source, OpenClEmitter.BuildOptions);
        Assert.True(status == 0, $"clBuildProgram failed with status {status}:\n{log}");
        using (program)
        using (var kernel = device.CreateKernel(program!, "focal_sigmoid_forward_backward"))
        using (var logitBuffer = device.CreateBuffer(MemFlags.ReadOnly, logits))
        using (var targetBuffer = device.CreateBuffer(MemFlags.ReadOnly, targets))
        using (var lossBuffer = device.CreateBuffer(MemFlags.WriteOnly, new T[logits.Length]))
        using (var gradientBuffer = device.CreateBuffer(MemFlags.WriteOnly, new T[logits.Length]))
        using (var invalidBuffer = device.CreateBuffer(MemFlags.ReadWrite, new int[1]))
        {
            // α_t = y·positive_weight + (1 - y)·negative_weight + weight_offset, the weights rounded to T as the CPU
            // kernels round them (KernelParameters); the gradient of reduction none is scaled by 1·1.
            var weighted = alpha >= 0;
            device.SetArgument(kernel, 0, logitBuffer);
            device.SetArgument(kernel, 1, targetBuffer);
            device.SetArgument(kernel, 2, weighted ? T.CreateTruncating(alpha) : T.Zero);
            device.SetArgument(kernel, 3, weighted ? T.CreateTruncating(1 - alpha) : T.Zero);
            device.SetArgument(kernel, 4, weighted ? T.Zero : T.One);
            device.SetArgument(kernel, 5, T.One);
            device.SetArgument(kernel, 6, T.One);
            device.SetArgument(kernel, 7, lossBuffer);
            device.SetArgument(kernel, 8, gradientBuffer);
            device.SetArgument(kernel, 9, invalidBuffer);
            device.Run(kernel, logits.Length);
            return (device.Read<T>(lossBuffer, logits.Length), device.Read<T>(gradientBuffer, logits.Length), device.Read<int>(invalidBuffer, 1)[0]);
        }
    }

    [GeneratedRegex(@"__kernel void focal_sigmoid_forward_backward\(([^)]*)\)")]
    private static partial Regex Signature();
}
