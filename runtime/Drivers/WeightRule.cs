using System.Globalization;
using FocalAot.Storage;

namespace FocalAot.Drivers;

/// <summary>
/// The rule every per-element weight keeps, in either shape: finite and ≥ 0 (weight 0 is how a caller ignores an
/// element). The kernels test it a register at a time; this is its scalar form, and the error that names the first
/// weight to break it.
/// </summary>
internal static class WeightRule
{
    /// <summary>Whether <paramref name="weight"/> keeps the rule (NaN does not).</summary>
    public static bool Holds(double weight) => weight >= 0 && double.IsFinite(weight);

    /// <summary>The error naming the first weight that is negative, infinite or NaN, or null when every weight keeps the rule.</summary>
    public static ArgumentOutOfRangeException? FirstBroken<TStorage>(ReadOnlySpan<TStorage> weights)
        where TStorage : unmanaged
    {
        for (var i = 0; i < weights.Length; i++)
        {
            if (!Holds(ElementStorage.ToDouble(weights[i])))
            {
                return new ArgumentOutOfRangeException(nameof(weights), weights[i], string.Create(CultureInfo.InvariantCulture,
                    $"weights[{i}] = {weights[i]} is invalid: every weight must be finite and >= 0."));
            }
        }

        return null;
    }
}
