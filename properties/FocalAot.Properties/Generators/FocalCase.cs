using System.Globalization;
using System.Numerics;
using System.Text;

namespace FocalAot.Properties.Generators;

/// <summary>
/// One generated call: logits, targets and an upstream gradient of the same length, γ and α. Values are held as
/// double; a float test rounds them once (<see cref="As{T}"/>), and its reference then reads the rounded values back.
/// </summary>
public sealed record FocalCase(double[] Logits, double[] Targets, double[] Upstream, double Gamma, double Alpha)
{
    private const int PrintedElements = 24;

    public int Length => Logits.Length;

    /// <summary>The values in the element type under test (float rounds to nearest; double is exact).</summary>
    public static T[] As<T>(double[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Array.ConvertAll(values, T.CreateTruncating);

    /// <summary>This case's γ and α, with <paramref name="reduction"/> (None for the per-element operations).</summary>
    public FocalLossOptions<T> Options<T>(FocalReduction reduction = default)
        where T : unmanaged
        => new() { Gamma = Gamma, Alpha = Alpha, Reduction = reduction };

    /// <summary>The same call restricted to elements [start, start + length).</summary>
    public FocalCase Slice(int start, int length) => this with
    {
        Logits = Logits.AsSpan(start, length).ToArray(),
        Targets = Targets.AsSpan(start, length).ToArray(),
        Upstream = Upstream.AsSpan(start, length).ToArray(),
    };

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"n = {Length}, gamma = {Gamma:R}, alpha = {Alpha:R}");
        var shown = Math.Min(Length, PrintedElements);
        for (var i = 0; i < shown; i++)
            text.Append(CultureInfo.InvariantCulture, $"\n  [{i}] x = {Logits[i]:R}, y = {Targets[i]:R}, upstream = {Upstream[i]:R}");
        if (shown < Length)
            text.Append(CultureInfo.InvariantCulture, $"\n  ... {Length - shown} more");
        return text.ToString();
    }
}
