using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using FocalAot.Generator.Tests.Support;
using Silk.NET.OpenCL;

namespace FocalAot.Generator.Tests.OpenCl;

/// <summary>
/// The OpenCL kernels of the generated classes give the same bits on the device as SigmoidFocalLoss on the CPU: forward, backward (with
/// an upstream per element, and with a reduced loss's scale) and fused, for every built-in γ and a generic one
/// (γ = 0.7, generated for a consumer class), in float and double. The C is rendered from the .NET kernels' own recipe
/// (the same operations, order, constants and FMA), with FP_CONTRACT off and correctly rounded division and square root. The global size is
/// rounded up past n, so the kernels' bounds guard is exercised. A failure says first whether the results are at
/// least within the accuracy bound (2e-6 relative for float, 1e-13 for double), then how many elements differ in bits.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed partial class OpenClParityTests
{
    private const int Length = 1000;

    /// <summary>The work-group multiple the global size is rounded up to.</summary>
    private const int RoundUp = 64;

    private readonly OpenClFixture fixture;

    public OpenClParityTests(OpenClFixture fixture) => this.fixture = fixture;

    /// <summary>The kernel classes: every built-in γ, and the consumer's generic γ = 0.7.</summary>
    private static readonly (string Kernel, double Gamma)[] Kernels =
    [
        ("Gamma0", 0), ("Gamma0_5", 0.5), ("Gamma1", 1), ("Gamma1_5", 1.5), ("Gamma2", 2), ("Gamma2_5", 2.5),
        ("Gamma3", 3), ("Gamma4", 4), ("Gamma5", 5), ("Gamma0_7", 0.7),
    ];

    public enum Operation
    {
        Forward,
        BackwardUpstream,
        BackwardReduced,
        ForwardBackward,
    }

    public static TheoryData<string, string, Operation> EveryKernel()
    {
        var data = new TheoryData<string, string, Operation>();
        foreach (var (kernel, _) in Kernels)
        {
            foreach (var precision in new[] { "Single", "Double" })
            {
                foreach (var operation in Enum.GetValues<Operation>())
                    data.Add(kernel, precision, operation);
            }
        }

        return data;
    }

    public static TheoryData<string, string, LogitKind, TargetKind> Inputs()
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
    [MemberData(nameof(EveryKernel))]
    public void Every_operation_matches_the_CPU_bit_for_bit(string kernel, string precision, Operation operation)
    {
        // torchvision's α, a larger one, and no α weighting (α < 0: both weights 1).
        var alpha = operation switch
        {
            Operation.BackwardUpstream => 0.8,
            Operation.BackwardReduced => -1.0,
            _ => 0.25,
        };
        Check(kernel, precision, operation, alpha, LogitKind.Wide, TargetKind.Soft);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ForwardBackward_matches_the_CPU_bit_for_bit_on_every_kind_of_input(
        string kernel, string precision, LogitKind logits, TargetKind targets)
    {
        var alpha = (kernel, logits) switch
        {
            ("Gamma2", LogitKind.Normal) => 0.25,
            ("Gamma2", _) => -1.0,
            (_, LogitKind.Normal) => 0.8,
            _ => 0.25,
        };
        Check(kernel, precision, Operation.ForwardBackward, alpha, logits, targets);
    }

    private void Check(string kernel, string precision, Operation operation, double alpha, LogitKind logits, TargetKind targets)
    {
        var device = fixture.Device;
        var single = precision == "Single";
        var gamma = Kernels.Single(k => k.Kernel == kernel).Gamma;
        var source = kernel == "Gamma0_7"
            ? KernelSources.Consumer(single ? Precision.Single : Precision.Double)
            : KernelSources.BuiltIn(kernel, single ? Precision.Single : Precision.Double);
        if (!device.SupportsDouble && source.Contains("cl_khr_fp64", StringComparison.Ordinal))
            Assert.Skip($"{device.Name} has no cl_khr_fp64.");

        if (single)
            Compare<float>(fixture, source, gamma, alpha, operation, logits, targets);
        else
            Compare<double>(fixture, source, gamma, alpha, operation, logits, targets);
    }

    private static void Compare<T>(
        OpenClFixture fixture, string source, double gamma, double alpha, Operation operation, LogitKind logitKind, TargetKind targetKind)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (logits, targets, upstream) = Support.Inputs.Make<T>(Length, logitKind, targetKind, seed: 7 + (int)logitKind + (2 * (int)targetKind));
        const double ReducedUpstream = 0.75;
        var options = new FocalLossOptions<T> { Gamma = gamma, Alpha = alpha };
        var expectedLosses = new T[Length];
        var expectedGradient = new T[Length];
        switch (operation)
        {
            case Operation.Forward:
                SigmoidFocalLoss.Forward<T>(logits, targets, expectedLosses, options);
                break;
            case Operation.BackwardUpstream:
                SigmoidFocalLoss.Backward<T>(logits, targets, upstream, expectedGradient, options);
                break;
            case Operation.BackwardReduced:
                SigmoidFocalLoss.Backward<T>(logits, targets, T.CreateTruncating(ReducedUpstream), expectedGradient,
                    new FocalLossOptions<T> { Gamma = gamma, Alpha = alpha, Reduction = FocalReduction.Mean });
                break;
            default:
                SigmoidFocalLoss.ForwardBackward<T>(logits, targets, expectedLosses, expectedGradient, options);
                break;
        }

        // The mean's gradient scale as the CPU forms it: upstream / n in double, rounded once.
        var scale = operation == Operation.BackwardReduced ? T.CreateTruncating(ReducedUpstream / Length) : T.One;
        var device = fixture.Device;
        var (losses, gradient, invalid) = Run(fixture, source, operation, logits, targets, upstream, alpha, scale);

        Assert.Equal(0, invalid);
        var what = string.Create(CultureInfo.InvariantCulture,
            $"{device.Name}, {operation}, γ = {gamma}, {typeof(T).Name}, α = {alpha}, {logitKind} logits, {targetKind} targets");
        var tolerance = typeof(T) == typeof(float) ? 2e-6 : 1e-13;
        var loss = Difference(expectedLosses, losses);
        var slope = Difference(expectedGradient, gradient);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"losses: {loss.Count} of {Length} differ, max relative error {loss.MaxRelative:G3}{Worst(loss.Worst, expectedLosses, losses)}; "
            + $"gradient: {slope.Count} of {Length} differ, max relative error {slope.MaxRelative:G3}"
            + $"{Worst(slope.Worst, expectedGradient, gradient)}");

        string Worst(int i, T[] cpu, T[] openCl) => i < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture,
            $" (at x = {logits[i]:R}, y = {targets[i]:R}: CPU {cpu[i]:R}, OpenCL {openCl[i]:R})");
        Assert.True(loss.MaxRelative <= tolerance && slope.MaxRelative <= tolerance,
            $"OpenCL vs CPU beyond {tolerance:G} relative ({what}): {summary}");
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

    /// <summary>The parameters each entry point takes, in order: what <see cref="Run"/> passes.</summary>
    private static readonly Dictionary<string, string[]> Parameters = new(StringComparer.Ordinal)
    {
        ["focal_sigmoid_forward"] = ["n", "logits", "targets", "positive_weight", "negative_weight", "losses", "invalid_targets"],
        ["focal_sigmoid_backward"] =
            ["n", "logits", "targets", "positive_weight", "negative_weight", "upstream", "scale", "scale_exponent",
                "gradient", "invalid_targets"],
        ["focal_sigmoid_forward_backward"] =
            ["n", "logits", "targets", "positive_weight", "negative_weight", "scale", "scale_exponent", "losses",
                "gradient", "invalid_targets"],
    };

    private static (T[] Losses, T[] Gradient, int Invalid) Run<T>(
        OpenClFixture fixture, string source, Operation operation, T[] logits, T[] targets, T[] upstream, double alpha, T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var entryPoint = operation switch
        {
            Operation.Forward => "focal_sigmoid_forward",
            Operation.ForwardBackward => "focal_sigmoid_forward_backward",
            _ => "focal_sigmoid_backward",
        };

        // The arguments below follow the emitted signature; a change to it must fail here, not give wrong numbers.
        var signature = Regex.Match(source, $@"__kernel void {entryPoint}\(([^)]*)\)");
        Assert.True(signature.Success, $"The source has no {entryPoint} kernel.");
        Assert.Equal(Parameters[entryPoint], signature.Groups[1].Value.Split(',').Select(parameter => parameter.Trim().Split(' ', '*')[^1]));

        var device = fixture.Device;
        using var kernel = device.CreateKernel(fixture.Program(source), entryPoint);
        using var logitBuffer = device.CreateBuffer(MemFlags.ReadOnly, logits);
        using var targetBuffer = device.CreateBuffer(MemFlags.ReadOnly, targets);
        using var upstreamBuffer = device.CreateBuffer(MemFlags.ReadOnly, upstream);
        using var lossBuffer = device.CreateBuffer(MemFlags.WriteOnly, new T[logits.Length]);
        using var gradientBuffer = device.CreateBuffer(MemFlags.WriteOnly, new T[logits.Length]);
        using var invalidBuffer = device.CreateBuffer(MemFlags.ReadWrite, new int[1]);

        // α_t = y·positive_weight + (1 - y)·negative_weight, the weights rounded to T as the CPU kernels round them
        // (KernelParameters).
        var weighted = alpha >= 0;
        var index = 0u;
        device.SetArgument(kernel, index++, (uint)logits.Length);
        device.SetArgument(kernel, index++, logitBuffer);
        device.SetArgument(kernel, index++, targetBuffer);
        device.SetArgument(kernel, index++, weighted ? T.CreateTruncating(alpha) : T.One);
        device.SetArgument(kernel, index++, weighted ? T.CreateTruncating(1 - alpha) : T.One);
        if (operation is Operation.BackwardUpstream)
            device.SetArgument(kernel, index++, upstreamBuffer);
        else if (operation is Operation.BackwardReduced)
            device.SetNullArgument(kernel, index++);
        if (operation is not Operation.Forward)
        {
            device.SetArgument(kernel, index++, scale);
            device.SetArgument(kernel, index++, T.One);
        }

        if (operation is Operation.Forward or Operation.ForwardBackward)
            device.SetArgument(kernel, index++, lossBuffer);
        if (operation is not Operation.Forward)
            device.SetArgument(kernel, index++, gradientBuffer);
        device.SetArgument(kernel, index, invalidBuffer);
        device.Run(kernel, (logits.Length + RoundUp - 1) / RoundUp * RoundUp);
        return (device.Read<T>(lossBuffer, logits.Length), device.Read<T>(gradientBuffer, logits.Length), device.Read<int>(invalidBuffer, 1)[0]);
    }
}
