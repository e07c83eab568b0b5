using BenchmarkDotNet.Attributes;
using FocalAot.OpenCl;

namespace FocalAot.Benchmarks;

/// <summary>
/// The fused γ = 2 mean on the first OpenCL device against the CPU path (the baseline, all threads), 2^20 and 2^22
/// float elements: with the data resident on the device (one reduced call, which waits for its value), and through
/// host spans (upload, run, download). Skipped with a message when the machine has no OpenCL device.
/// </summary>
public class OpenClCost
{
    private float[] logits = [];
    private float[] targets = [];
    private float[] gradient = [];
    private OpenClContext? context;
    private OpenClBuffer<float>? deviceLogits;
    private OpenClBuffer<float>? deviceTargets;
    private OpenClBuffer<float>? deviceGradient;

    [Params(1 << 20, 1 << 22)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (OpenClDevices.All.Count == 0)
            throw new InvalidOperationException($"OpenClCost needs an OpenCL device: {OpenClDevices.UnavailableReason}.");
        (logits, targets) = BenchmarkData.Create(N);
        gradient = new float[N];
        context = OpenClContext.Create(OpenClDevices.All[0]);
        deviceLogits = context.Upload<float>(logits);
        deviceTargets = context.Upload<float>(targets);
        deviceGradient = context.Allocate<float>(N);
        Console.WriteLine($"// OpenCL device: {context.Device}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        deviceLogits?.Dispose();
        deviceTargets?.Dispose();
        deviceGradient?.Dispose();
        context?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float Cpu() => SigmoidFocalLoss.ForwardBackward<float>(logits, targets, gradient, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public float DeviceResident()
        => context!.SigmoidFocalLoss.ForwardBackward(deviceLogits!, deviceTargets!, deviceGradient!, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public float DeviceHostSpans()
        => context!.SigmoidFocalLoss.ForwardBackward<float>(logits, targets, gradient, new() { Reduction = FocalReduction.Mean });
}
