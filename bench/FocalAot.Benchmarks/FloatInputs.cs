namespace FocalAot.Benchmarks;

/// <summary>The float logits and targets of <see cref="BenchmarkData"/> and a gradient buffer, which most benchmarks run on.</summary>
public abstract class FloatInputs
{
    /// <summary>The logits.</summary>
    protected float[] Logits { get; private set; } = [];

    /// <summary>The targets.</summary>
    protected float[] Targets { get; private set; } = [];

    /// <summary>Where the fused calls write the gradient.</summary>
    protected float[] Gradient { get; private set; } = [];

    /// <summary>Makes <paramref name="n"/> elements of inputs and lets each call use <paramref name="threads"/> threads.</summary>
    protected void CreateInputs(int n, int threads = 1)
    {
        FocalRuntime.MaxDegreeOfParallelism = threads;
        (Logits, Targets) = BenchmarkData.Create(n);
        Gradient = new float[n];
    }
}
