namespace FocalAot.Numerics;

/// <summary>
/// The range of the focusing parameter γ, shared by the runtime and the generator's analyzer.
/// </summary>
/// <remarks>
/// The gradient's focusing term γ·(1 - 2y)·r·BCE is finite for every γ in range (r·BCE ≤ 1/e where q^γ is not
/// negligible), but 2γ itself overflows near the type's maximum; no use of focal loss needs γ anywhere near it.
/// </remarks>
internal static class GammaRange
{
    /// <summary>The largest γ a kernel accepts.</summary>
    public const double Max = 1e6;

    /// <summary>Whether <paramref name="gamma"/> is finite, ≥ 0 and ≤ <see cref="Max"/>.</summary>
    public static bool Contains(double gamma) => gamma >= 0 && gamma <= Max;

    /// <summary>The rule, worded for error messages.</summary>
    public const string Rule = "gamma must be a finite number >= 0 and <= 1e6";
}
