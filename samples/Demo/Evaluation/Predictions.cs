namespace FocalAot.Demo;

/// <summary>
/// A model's logits on a labeled set and the probabilities σ(logit / T) they give at temperature T (1: as trained),
/// in double so that no probability near 0 or 1 rounds to it.
/// </summary>
internal sealed class Predictions
{
    /// <summary>Scores <paramref name="logits"/> against <paramref name="labels"/> at <paramref name="temperature"/>.</summary>
    public Predictions(float[] logits, byte[] labels, double temperature = 1)
    {
        if (logits.Length != labels.Length)
            throw new ArgumentException("There must be one label per logit.", nameof(labels));
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and > 0.");
        Logits = logits;
        Labels = labels;
        Temperature = temperature;
        Probabilities = Array.ConvertAll(logits, logit => 1 / (1 + Math.Exp(-logit / temperature)));
    }

    /// <summary>The model's logits.</summary>
    public float[] Logits { get; }

    /// <summary>The labels, 0 or 1.</summary>
    public byte[] Labels { get; }

    /// <summary>The temperature the logits are divided by.</summary>
    public double Temperature { get; }

    /// <summary>σ(logit / T) per sample.</summary>
    public double[] Probabilities { get; }

    /// <summary>Whether every logit is finite (a diverged model's are not, and have no metrics).</summary>
    public bool IsFinite => Logits.All(float.IsFinite);
}
