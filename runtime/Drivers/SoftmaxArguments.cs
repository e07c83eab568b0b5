using System.Runtime.CompilerServices;

namespace FocalAot.Drivers;

/// <summary>
/// One softmax call's data as pinned pointers in the storage type (so that worker threads can share it): logits
/// [rows, classes] row-major, targets as class indices (int or long) or probabilities [rows, classes], and the
/// per-call scalars.
/// </summary>
internal readonly unsafe struct SoftmaxArguments<TStorage>
    where TStorage : unmanaged
{
    public required TStorage* Logits { get; init; }

    public required long Rows { get; init; }

    public required int Classes { get; init; }

    /// <summary>S of [N, C, S] logits (a sample's classes S apart); 1 for [N, C] rows.</summary>
    public int Spatial { get; init; }

    /// <summary>Class-index targets as int; null when they are long or probabilities.</summary>
    public int* Indices32 { get; init; }

    /// <summary>Class-index targets as long; null when they are int or probabilities.</summary>
    public long* Indices64 { get; init; }

    /// <summary>Target probabilities, one row per sample; null for class indices.</summary>
    public TStorage* Probabilities { get; init; }

    public long IgnoreIndex { get; init; }

    /// <summary>One weight per row; null for none.</summary>
    public TStorage* Weights { get; init; }

    /// <summary>One α per class; null for the scalar <see cref="Alpha"/>.</summary>
    public double* ClassAlpha { get; init; }

    /// <summary>The largest class α (1 without a table), which bounds every class's coefficient over the row's scale.</summary>
    public double ClassAlphaBound { get; init; }

    /// <summary>The scalar α every class is multiplied by: 1 when α is off or a class table is given.</summary>
    public double Alpha { get; init; }

    public double LabelSmoothing { get; init; }

    /// <summary>Poly-1's ε (0 for the focal loss alone).</summary>
    public double PolyEpsilon { get; init; }

    /// <summary>One loss per row; null when the losses are only summed.</summary>
    public TStorage* Losses { get; init; }

    /// <summary>The gradient, [rows, classes]; null for a forward call.</summary>
    public TStorage* Gradient { get; init; }

    /// <summary>One upstream gradient per row; null when <see cref="UpstreamScale"/> applies to every row.</summary>
    public TStorage* Upstream { get; init; }

    /// <summary>The scalar upstream gradient over the reduction's denominator (1 for per-row results).</summary>
    public double UpstreamScale { get; init; }

    public bool Reduce { get; init; }

    /// <summary>
    /// Whether every row runs as it is, with no scaling into range: the largest weight and upstream gradient are within
    /// <see cref="Kernels.SoftmaxFocalRowAlgebra{TVec, TOps}.InRange"/>'s bounds. Decided once per call; otherwise each
    /// row is tested.
    /// </summary>
    public bool RowsAsIs { get; init; }

    public bool HasIndexTargets
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Indices32 != null || Indices64 != null;
    }

    /// <summary>Row <paramref name="row"/>'s class index (class-index targets only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TargetOf(long row) => Indices32 != null ? Indices32[row] : Indices64[row];
}
