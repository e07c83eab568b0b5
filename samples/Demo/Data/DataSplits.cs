namespace FocalAot.Demo;

/// <summary>Training, validation and test sets of one synthetic problem, drawn independently.</summary>
/// <param name="Training">What the model is fitted on.</param>
/// <param name="Validation">What temperature scaling is fitted on (empty where it is not used).</param>
/// <param name="Test">What every metric is computed on.</param>
internal sealed record DataSplits(Dataset Training, Dataset Validation, Dataset Test)
{
    /// <summary>Draws the three sets in turn from one generator seeded with <paramref name="seed"/>.</summary>
    public static DataSplits Generate(int trainingCount, int validationCount, int testCount, int imbalanceRatio, int seed)
    {
        // System.Random with a seed is a fixed algorithm, so every run with this seed gets the same data.
        var random = new Random(seed);
        var training = SyntheticProblem.Generate(trainingCount, imbalanceRatio, random);
        var validation = SyntheticProblem.Generate(validationCount, imbalanceRatio, random);
        var test = SyntheticProblem.Generate(testCount, imbalanceRatio, random);
        return new DataSplits(training, validation, test);
    }
}
