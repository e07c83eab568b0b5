using System.Numerics;

namespace FocalAot.Properties.Softmax;

/// <summary>How a case's class indices are passed (a case with target probabilities always passes those).</summary>
internal enum TargetKind
{
    Long,
    Int,
}

/// <summary>
/// Every operation of a <see cref="SoftmaxCase"/> in element type <typeparamref name="T"/>: per-sample fused,
/// <c>Forward</c> and <c>Backward</c> (with an upstream span, and with ones), and for each reduction the reduced
/// <c>Forward</c>, <c>Backward</c> (upstream 1) and fused call. Compared bit for bit between settings.
/// </summary>
internal sealed class SoftmaxResults<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The reductions of a full comparison; the normalizer is not a power of two, so the division rounds.</summary>
    public static FocalReduction[] AllReductions { get; } =
        [FocalReduction.Sum, FocalReduction.Mean, FocalReduction.Normalized(2.7), FocalReduction.WeightedMean];

    private SoftmaxResults(int reductions)
    {
        ReducedForward = new T[reductions];
        ReducedFusedLoss = new T[reductions];
        ReducedFusedGradient = new T[reductions][];
        ReducedBackward = new T[reductions][];
    }

    public FocalReduction[] Reductions { get; private init; } = [];

    public T[] Losses { get; private set; } = [];

    public T[] Gradient { get; private set; } = [];

    public T[] ForwardLosses { get; private set; } = [];

    public T[] BackwardGradient { get; private set; } = [];

    public T[] OnesGradient { get; private set; } = [];

    public T[] ReducedForward { get; }

    public T[] ReducedFusedLoss { get; }

    public T[][] ReducedFusedGradient { get; }

    public T[][] ReducedBackward { get; }

    /// <summary>An upstream gradient per row with both signs, an exact 0 and magnitudes that round differently.</summary>
    public static T Upstream(int row) => T.CreateTruncating(new[] { 1.5, -0.375, 3.0, 0.0, -1.0, 0.1 }[row % 6]);

    /// <summary>Runs every operation; <paramref name="inPlace"/> writes each gradient over a copy of the logits.</summary>
    public static SoftmaxResults<T> Compute(
        SoftmaxCase value, TargetKind kind = TargetKind.Long, bool inPlace = false, FocalReduction[]? reductions = null, bool compact = false)
    {
        if (value.Indices is null)
            return Compute(value, SoftmaxRun<T>.Convert(value.Probabilities!), inPlace, reductions ?? AllReductions, compact);
        return kind == TargetKind.Int
            ? Compute(value, value.Indices.Select(t => checked((int)t)).ToArray(), inPlace, reductions ?? AllReductions, compact)
            : Compute(value, value.Indices, inPlace, reductions ?? AllReductions, compact);
    }

    private static SoftmaxResults<T> Compute<TTarget>(SoftmaxCase value, TTarget[] targets, bool inPlace, FocalReduction[] reductions, bool compact)
        where TTarget : unmanaged
    {
        var logits = SoftmaxRun<T>.Convert(value.Logits);
        var weights = SoftmaxRun<T>.Weights(value);
        var classes = value.Classes;
        var rows = value.Rows;
        T[] NewGradient() => inPlace ? (T[])logits.Clone() : new T[logits.Length];

        // In place, the logits the call reads are the gradient's own memory.
        ReadOnlySpan<T> Source(T[] gradient) => inPlace ? gradient : logits;

        var results = new SoftmaxResults<T>(reductions.Length) { Reductions = reductions };
        var none = value.Options<T>(FocalReduction.None, weights);

        results.Losses = new T[rows];
        results.Gradient = NewGradient();
        SoftmaxFocalLoss.ForwardBackward<T, TTarget>(Source(results.Gradient), targets, classes, results.Losses, results.Gradient, none);

        var upstream = Enumerable.Range(0, rows).Select(Upstream).ToArray();
        results.BackwardGradient = NewGradient();
        SoftmaxFocalLoss.Backward<T, TTarget>(Source(results.BackwardGradient), targets, classes, upstream, results.BackwardGradient, none);

        if (!compact)
        {
            results.ForwardLosses = new T[rows];
            SoftmaxFocalLoss.Forward<T, TTarget>(logits, targets, classes, results.ForwardLosses, none);
            results.OnesGradient = NewGradient();
            var ones = Enumerable.Repeat(T.One, rows).ToArray();
            SoftmaxFocalLoss.Backward<T, TTarget>(Source(results.OnesGradient), targets, classes, ones, results.OnesGradient, none);
        }

        for (var r = 0; r < reductions.Length; r++)
        {
            var options = value.Options<T>(reductions[r], weights);
            results.ReducedForward[r] = SoftmaxFocalLoss.Forward<T, TTarget>(logits, targets, classes, options);
            var fused = NewGradient();
            results.ReducedFusedLoss[r] = SoftmaxFocalLoss.ForwardBackward<T, TTarget>(Source(fused), targets, classes, fused, options);
            results.ReducedFusedGradient[r] = fused;
            if (!compact)
            {
                var backward = NewGradient();
                SoftmaxFocalLoss.Backward<T, TTarget>(Source(backward), targets, classes, T.One, backward, options);
                results.ReducedBackward[r] = backward;
            }
            else
            {
                results.ReducedBackward[r] = [];
            }
        }

        return results;
    }

    /// <summary>Every result the same number as <paramref name="other"/>'s (NaN matches any NaN).</summary>
    public void AssertSameAs(SoftmaxResults<T> other, string what)
    {
        Bits.AssertSame<T>(Losses, other.Losses, $"{what}: fused losses");
        Bits.AssertSame<T>(Gradient, other.Gradient, $"{what}: fused gradient");
        Bits.AssertSame<T>(ForwardLosses, other.ForwardLosses, $"{what}: Forward losses");
        Bits.AssertSame<T>(BackwardGradient, other.BackwardGradient, $"{what}: Backward gradient (upstream span)");
        Bits.AssertSame<T>(OnesGradient, other.OnesGradient, $"{what}: Backward gradient (upstream ones)");
        for (var r = 0; r < Reductions.Length; r++)
        {
            var name = $"{what}: {Reductions[r]}";
            Bits.AssertSame(ReducedForward[r], other.ReducedForward[r], $"{name} Forward");
            Bits.AssertSame(ReducedFusedLoss[r], other.ReducedFusedLoss[r], $"{name} ForwardBackward loss");
            Bits.AssertSame<T>(ReducedFusedGradient[r], other.ReducedFusedGradient[r], $"{name} ForwardBackward gradient");
            Bits.AssertSame<T>(ReducedBackward[r], other.ReducedBackward[r], $"{name} Backward gradient");
        }
    }
}
