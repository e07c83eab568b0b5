using BenchmarkDotNet.Attributes;

namespace FocalAot.Benchmarks;

/// <summary>
/// 16-bit storage: the fused γ = 2 mean over <see cref="Half"/> and <see cref="BFloat16"/> data (computed in float,
/// each result rounded once) against the same call over float data (the baseline), one thread, 2^20 elements. The
/// 16-bit inputs are the float inputs rounded.
/// </summary>
public class StorageCost : FloatInputs
{
    private Half[] halfLogits = [];
    private Half[] halfTargets = [];
    private Half[] halfGradient = [];
    private BFloat16[] bfloat16Logits = [];
    private BFloat16[] bfloat16Targets = [];
    private BFloat16[] bfloat16Gradient = [];

    [Params(1 << 20)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.RequireSpecialized(2.0);
        CreateInputs(N);
        halfLogits = [.. Logits.Select(x => (Half)x)];
        halfTargets = [.. Targets.Select(y => (Half)y)];
        halfGradient = new Half[N];
        bfloat16Logits = [.. Logits.Select(x => (BFloat16)x)];
        bfloat16Targets = [.. Targets.Select(y => (BFloat16)y)];
        bfloat16Gradient = new BFloat16[N];
    }

    [Benchmark(Baseline = true)]
    public float FusedFloat()
        => SigmoidFocalLoss.ForwardBackward<float>(Logits, Targets, Gradient, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public Half FusedHalf()
        => SigmoidFocalLoss.ForwardBackward<Half>(halfLogits, halfTargets, halfGradient, new() { Reduction = FocalReduction.Mean });

    [Benchmark]
    public BFloat16 FusedBFloat16()
        => SigmoidFocalLoss.ForwardBackward<BFloat16>(
            bfloat16Logits, bfloat16Targets, bfloat16Gradient, new() { Reduction = FocalReduction.Mean });
}
