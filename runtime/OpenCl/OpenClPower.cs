namespace FocalAot.OpenCl;

/// <summary>
/// The modulating factor a sigmoid program is built for: a built-in γ (its specialized power), the generic power (γ a
/// kernel argument), or FLSD-53 (γ = 5 where q &gt; 0.8, else 3).
/// </summary>
/// <param name="Gamma">The built-in γ; null for the generic power and for FLSD-53.</param>
/// <param name="SampleDependent">Whether the program is FLSD-53's.</param>
internal readonly record struct OpenClPower(double? Gamma, bool SampleDependent = false)
{
    /// <summary>FLSD-53's program.</summary>
    public static OpenClPower SampleDependentGamma => new(null, SampleDependent: true);

    /// <summary>Whether γ is a kernel argument.</summary>
    public bool IsGeneric => Gamma is null && !SampleDependent;
}
