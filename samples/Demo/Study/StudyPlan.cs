namespace FocalAot.Demo;

/// <summary>The study's grid: imbalance ratios × methods × seeds, with the data sizes and epochs of every run.</summary>
/// <param name="Ratios">Majority samples per minority sample, one problem each.</param>
/// <param name="Methods">The methods trained on each problem.</param>
/// <param name="Seeds">The seeds of each cell (data, initial weights and batch order).</param>
/// <param name="TrainingSamples">Training samples per problem.</param>
/// <param name="ValidationSamples">Validation samples (for temperature scaling) per problem.</param>
/// <param name="TestSamples">Test samples per problem.</param>
/// <param name="Epochs">Training epochs of every run.</param>
internal sealed record StudyPlan(
    IReadOnlyList<int> Ratios, IReadOnlyList<TrainingMethod> Methods, IReadOnlyList<int> Seeds,
    int TrainingSamples, int ValidationSamples, int TestSamples, int Epochs)
{
    /// <summary>The ratio whose reliability diagrams and kernel timings the study reports.</summary>
    public const int FocusRatio = 100;

    /// <summary>The default number of seeds of the full grid.</summary>
    public const int DefaultSeeds = 5;

    /// <summary>The number of seeds of the quick grid.</summary>
    public const int QuickSeeds = 2;

    private static readonly int[] StudyRatios = [10, 100, 1000];

    /// <summary>
    /// The full grid. At 1:1000 its sets hold 200 training, 100 validation and 200 test minority samples, enough
    /// for the test metrics to mean something; its 255 runs take about four minutes on two cores.
    /// </summary>
    public static StudyPlan Full(int firstSeed, int? seeds)
        => new(StudyRatios, MethodCatalog.Study, SeedsFrom(firstSeed, seeds ?? DefaultSeeds), 200_000, 100_000, 200_000, 15);

    /// <summary>Every ratio, method and chart of the full grid on small sets for few epochs: for checking the code paths.</summary>
    public static StudyPlan Quick(int firstSeed, int? seeds)
        => new(StudyRatios, MethodCatalog.Study, SeedsFrom(firstSeed, seeds ?? QuickSeeds), 20_000, 10_000, 40_000, 2);

    /// <summary>The number of training runs of the grid.</summary>
    public int RunCount => Ratios.Count * Methods.Count * Seeds.Count;

    private static int[] SeedsFrom(int first, int count) => [.. Enumerable.Range(0, count).Select(k => unchecked(first + k))];
}
