using System.Globalization;

namespace FocalAot.Demo;

/// <summary>The methods the demo and the study compare.</summary>
internal static class MethodCatalog
{
    /// <summary>RetinaNet's α, the one the study pairs with each γ.</summary>
    public const double RetinaNetAlpha = 0.25;

    /// <summary>Plain cross-entropy: γ = 0, α off.</summary>
    public static TrainingMethod CrossEntropy { get; } = new("CE", MethodFamily.CrossEntropy);

    /// <summary>Cross-entropy with inverse-frequency class weights.</summary>
    public static TrainingMethod InverseFrequencyWeighted { get; } =
        new("CE, inverse-frequency weights", MethodFamily.ClassWeighting) { Weighting = ClassWeighting.InverseFrequency };

    /// <summary>Cross-entropy with effective-number class weights.</summary>
    public static TrainingMethod EffectiveNumberWeighted { get; } =
        new("CE, effective-number weights", MethodFamily.ClassWeighting) { Weighting = ClassWeighting.EffectiveNumber };

    /// <summary>Cross-entropy on a randomly oversampled training set.</summary>
    public static TrainingMethod Oversampling { get; } =
        new("Oversampling + CE", MethodFamily.Resampling) { Resampling = ResamplingKind.RandomOversampling };

    /// <summary>Cross-entropy on a randomly undersampled training set.</summary>
    public static TrainingMethod Undersampling { get; } =
        new("Undersampling + CE", MethodFamily.Resampling) { Resampling = ResamplingKind.RandomUndersampling };

    /// <summary>FLSD-53 (Mukhoti et al., 2020), α off.</summary>
    public static TrainingMethod Flsd53 { get; } =
        new("FLSD-53", MethodFamily.SampleDependentFocal) { SampleDependentGamma = true };

    /// <summary>Poly-1 (Leng et al., 2022) on cross-entropy: ε = 1, α off.</summary>
    public static TrainingMethod Poly1 { get; } = new("Poly-1 (CE, ε=1)", MethodFamily.Poly) { PolyEpsilon = 1 };

    /// <summary>The focal-loss γ values of the study.</summary>
    public static IReadOnlyList<double> StudyGammas { get; } = [0.5, 1, 2, 3, 5];

    /// <summary>
    /// The demo's five: cross-entropy, its two classic remedies, and focal loss at two γ with α off, so that the
    /// focal columns show what focusing alone does (α = 0.25 weighs the minority down; the study has it).
    /// </summary>
    public static IReadOnlyList<TrainingMethod> Demo { get; } =
        [CrossEntropy, InverseFrequencyWeighted, Oversampling, Focal(1), Focal(2)];

    /// <summary>The study's grid: every remedy, and focal loss at every γ without and with α.</summary>
    public static IReadOnlyList<TrainingMethod> Study { get; } =
    [
        CrossEntropy, InverseFrequencyWeighted, EffectiveNumberWeighted, Oversampling, Undersampling,
        .. StudyGammas.SelectMany(gamma => new[] { Focal(gamma), Focal(gamma, RetinaNetAlpha) }),
        Flsd53, Poly1,
    ];

    /// <summary>Focal loss with this γ, and α = <paramref name="alpha"/> (negative: off).</summary>
    public static TrainingMethod Focal(double gamma, double alpha = -1)
    {
        var name = alpha >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"Focal γ={gamma}, α={alpha}")
            : string.Create(CultureInfo.InvariantCulture, $"Focal γ={gamma}");
        return new TrainingMethod(name, MethodFamily.Focal) { Gamma = gamma, Alpha = alpha };
    }
}
