// The program of the package consumer test (build.ps1 test -Suite packages): a fresh console app that references the
// FocalAot package, declares a kernel that the package's generator specializes for γ = 2.5, and checks it against
// SigmoidFocalLoss with Gamma = 2.5, bit for bit, and the OpenCL path where the machine has a device. It prints the
// digest of the results, which every build of it (JIT, NativeAOT, trimmed) and the F# consumer must print alike, and
// exits 1 on a mismatch.
using System.Globalization;
using FocalAot;
using FocalAot.OpenCl;

const int Count = 300_007;   // odd (every vector tail runs) and above the threshold where calls use worker threads
var logits = new float[Count];
var targets = new float[Count];
for (var i = 0; i < Count; i++)
{
    logits[i] = ((i * 7919 % 2001) - 1000) / 64f;   // [-15.6, 15.6] in steps of 1/64
    targets[i] = i * 31 % 11 / 10f;                 // hard and soft labels: 0, 0.1, ..., 1
}

// The runtime API with γ = 2.5.
var losses = new float[Count];
var gradient = new float[Count];
var meanGradient = new float[Count];
SigmoidFocalLoss.ForwardBackward<float>(logits, targets, losses, gradient, new() { Gamma = 2.5 });
var mean = SigmoidFocalLoss.ForwardBackward<float>(logits, targets, meanGradient, new() { Gamma = 2.5, Reduction = FocalReduction.Mean });
var sum = SigmoidFocalLoss.Forward<float>(logits, targets, new() { Gamma = 2.5, Reduction = FocalReduction.Sum });

// The generated kernel (γ is its own).
var kernelLosses = new float[Count];
var kernelGradient = new float[Count];
var kernelMeanGradient = new float[Count];
ConsumerKernels.Gamma2_5.ForwardBackward(logits, targets, kernelLosses, kernelGradient);
var kernelMean = ConsumerKernels.Gamma2_5.ForwardBackward(logits, targets, kernelMeanGradient, new() { Reduction = FocalReduction.Mean });
var kernelSum = ConsumerKernels.Gamma2_5.Forward(logits, targets, new FocalLossOptions<float> { Reduction = FocalReduction.Sum });

var mismatches = Mismatches(losses, kernelLosses) + Mismatches(gradient, kernelGradient) + Mismatches(meanGradient, kernelMeanGradient)
    + Mismatches([mean, sum], [kernelMean, kernelSum]);
var openCl = ConsumerKernels.Gamma2_5.OpenClSingle.Contains("gamma = 2.5", StringComparison.Ordinal);

// The OpenCL path where there is a device (discovery never throws): per-element results with the CPU's bits.
var device = "no OpenCL device: " + OpenClDevices.UnavailableReason;
if (OpenClDevices.All.Count > 0)
{
    using var context = OpenClContext.Create(OpenClDevices.All[0]);
    var deviceLosses = new float[Count];
    var deviceGradient = new float[Count];
    context.SigmoidFocalLoss.ForwardBackward<float>(logits, targets, deviceLosses, deviceGradient, new() { Gamma = 2.5 });
    var differ = Mismatches(losses, deviceLosses) + Mismatches(gradient, deviceGradient);
    mismatches += differ;
    device = $"{(differ == 0 ? "the same bits" : $"MISMATCH ({differ} values differ)")} on {OpenClDevices.All[0].Name}";
}

var digest = Digest.Of(losses, gradient, meanGradient, [mean, sum]);
Console.WriteLine($"path: {FocalRuntime.ActivePath}");
Console.WriteLine($"multiply-add: {(FocalRuntime.FusedMultiplyAdd ? "fused" : "separate")}");
Console.WriteLine($"kernel: {SigmoidFocalLoss.DescribeKernel(2.5)}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean: {mean:R}, sum: {sum:R}"));
Console.WriteLine($"digest: {digest:x16}");
Console.WriteLine($"OpenCL: {device}");
Console.WriteLine(mismatches == 0 && openCl
    ? $"generated kernel: the same bits as SigmoidFocalLoss ({(3 * Count) + 2} values), OpenCL C for γ = 2.5"
    : $"MISMATCH: {mismatches} values differ, the kernel's OpenCL C is {(openCl ? "there" : "missing")}");
return mismatches == 0 && openCl ? 0 : 1;

static int Mismatches(float[] expected, float[] actual)
{
    var count = 0;
    for (var i = 0; i < expected.Length; i++)
        count += BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) ? 0 : 1;
    return count;
}

/// <summary>The kernels this app asks the generator for.</summary>
[FocalKernel(2.5, Precision.Single)]
internal static partial class ConsumerKernels;

/// <summary>FNV-1a (64-bit) over the bits of the results, in order: the same in the F# consumer.</summary>
internal static class Digest
{
    public static ulong Of(params float[][] arrays)
    {
        var hash = 14695981039346656037UL;
        foreach (var array in arrays)
        {
            foreach (var value in array)
            {
                var bits = (uint)BitConverter.SingleToInt32Bits(value);
                for (var shift = 0; shift < 32; shift += 8)
                    hash = (hash ^ ((bits >> shift) & 0xFF)) * 1099511628211UL;
            }
        }

        return hash;
    }
}
