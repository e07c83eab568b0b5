namespace FocalAot.Drivers;

/// <summary>The rules of the focal family's options (FLSD-53, Poly-1), the same for the sigmoid and softmax forms.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the option that breaks its rule.")]
internal static class FocalFamilyRules
{
    public static void Validate<TStorage>(in FocalLossOptions<TStorage> options)
        where TStorage : unmanaged
    {
        if (options.SampleDependentGamma && options.HasGamma)
        {
            throw new ArgumentException(
                "gamma must be left unset with sampleDependentGamma: FLSD-53 takes gamma = 5 where p < 0.2, else 3.", "gamma");
        }

        if (!(options.PolyEpsilon >= -1 && double.IsFinite(options.PolyEpsilon)))
            throw new ArgumentOutOfRangeException("polyEpsilon", options.PolyEpsilon, "polyEpsilon must be a finite number >= -1.");
    }
}
