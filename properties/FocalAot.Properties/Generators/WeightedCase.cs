using System.Globalization;
using System.Text;

namespace FocalAot.Properties.Generators;

/// <summary>
/// A generated call with the descriptor's per-element inputs: a <see cref="FocalCase"/> plus, optionally, one weight per
/// element and one α per class (element i has class i mod C). Weights are held as double; a test rounds them once to
/// its element type and its reference reads the rounded values back, as for logits and targets.
/// </summary>
public sealed record WeightedCase(FocalCase Value, double[]? Weights, double[]? ClassAlpha)
{
    private const int PrintedElements = 24;

    public int Length => Value.Length;

    public double Gamma => Value.Gamma;

    /// <summary>γ, α, the per-class α, <paramref name="weights"/> (this case's weights in the element type, or null for
    /// none) and the reduction.</summary>
    public FocalLossOptions<T> Options<T>(T[]? weights, FocalReduction reduction = default)
        where T : unmanaged
        => new() { Gamma = Value.Gamma, Alpha = Value.Alpha, ClassAlpha = ClassAlpha, Weights = weights, Reduction = reduction };

    /// <summary>The α of element <paramref name="i"/>: its class's, or the scalar α.</summary>
    public double AlphaAt(int i) => ClassAlpha is { Length: > 0 } table ? table[i % table.Length] : Value.Alpha;

    /// <summary>The same call restricted to elements [start, start + length); the class table is kept as it is.</summary>
    public WeightedCase Slice(int start, int length) => new(
        Value.Slice(start, length), Weights?.AsSpan(start, length).ToArray(), ClassAlpha);

    public override string ToString()
    {
        var text = new StringBuilder(Value.ToString());
        if (ClassAlpha is not null)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n  classAlpha (C = {ClassAlpha.Length}) = " +
                $"[{string.Join(", ", ClassAlpha.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))}]");
        }
        if (Weights is not null)
        {
            var shown = Math.Min(Weights.Length, PrintedElements);
            text.Append(CultureInfo.InvariantCulture,
                $"\n  weights = [{string.Join(", ", Weights.Take(shown).Select(w => w.ToString("R", CultureInfo.InvariantCulture)))}");
            text.Append(shown < Weights.Length ? ", ...]" : "]");
        }

        return text.ToString();
    }
}
