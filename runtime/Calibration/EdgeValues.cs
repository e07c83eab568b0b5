using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FocalAot.Calibration;

/// <summary>What <see cref="ExactBinPass"/> sums per sample: an integer (exact above the first edge) and, where the metric
/// sums it in double, the first bin's value.</summary>
internal interface IEdgeValue
{
    /// <summary>Whether the first bin's values go to its canonical lanes.</summary>
    static abstract bool KeepsFirstBin { get; }

    /// <summary>Whether the pass also sums the integer over every sample.</summary>
    static abstract bool SumsEverySample { get; }

    /// <summary>The integer of 16 samples (c, and the labels 0 or 1).</summary>
    static abstract Vector512<int> Of(Vector512<float> c, Vector512<int> label);

    /// <summary>The first bin's value in double (c widened, the label as a double).</summary>
    static abstract Vector512<double> FirstBin(Vector512<double> c, Vector512<double> label);
}

/// <summary>The gap c − y, in units of 2⁻²⁷ (the expected calibration error's sums).</summary>
internal readonly struct GapValue : IEdgeValue
{
    public static bool KeepsFirstBin => true;

    public static bool SumsEverySample => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Of(Vector512<float> c, Vector512<int> label)
        => Vector512.ConvertToInt32Native(c * Vector512.Create(ExactBinPass.Scale)) - Vector512.ShiftLeft(label, ExactBinPass.ScaleBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> FirstBin(Vector512<double> c, Vector512<double> label) => c - label;
}

/// <summary>The confidence c, in units of 2⁻²⁷ (a reliability diagram's sums).</summary>
internal readonly struct ConfidenceValue : IEdgeValue
{
    public static bool KeepsFirstBin => true;

    public static bool SumsEverySample => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Of(Vector512<float> c, Vector512<int> label)
        => Vector512.ConvertToInt32Native(c * Vector512.Create(ExactBinPass.Scale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> FirstBin(Vector512<double> c, Vector512<double> label) => c;
}

/// <summary>One sample and its label, packed as 1 + y·2¹⁶: a chunk's counts stay below 2¹⁶, so a sum splits exactly.</summary>
internal readonly struct CountValue : IEdgeValue
{
    /// <summary>The bit where the number of positives starts.</summary>
    public const int PositivesShift = 16;

    public static bool KeepsFirstBin => false;

    public static bool SumsEverySample => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Of(Vector512<float> c, Vector512<int> label)
        => Vector512.ShiftLeft(label, PositivesShift) + Vector512<int>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> FirstBin(Vector512<double> c, Vector512<double> label) => default;
}
