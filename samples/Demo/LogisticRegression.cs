namespace FocalAot.Demo;

/// <summary>A linear model whose logit is w·x + b and whose probability is σ(logit).</summary>
internal sealed class LogisticRegression
{
    public LogisticRegression(int featureCount) => Weights = new float[featureCount];

    public float[] Weights { get; }

    public float Bias { get; set; }

    /// <summary>Writes the logits of samples <paramref name="first"/> onward to <paramref name="logits"/>.</summary>
    public void ComputeLogits(Dataset data, int first, Span<float> logits)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            var row = data.Row(first + i);
            var logit = Bias;
            for (var j = 0; j < row.Length; j++)
                logit += Weights[j] * row[j];
            logits[i] = logit;
        }
    }

    /// <summary>σ(w·x + b) for every sample, in double so that no probability near 0 or 1 rounds to it.</summary>
    public double[] PredictProbabilities(Dataset data)
    {
        var logits = new float[data.Count];
        ComputeLogits(data, 0, logits);
        return Array.ConvertAll(logits, logit => 1 / (1 + Math.Exp(-(double)logit)));
    }
}
