using System.Globalization;

namespace FocalAot.Demo;

/// <summary>The mean and sample standard deviation of a metric over seeds, ignoring NaN values.</summary>
/// <param name="Mean">The mean; NaN when no value is a number.</param>
/// <param name="StandardDeviation">The sample standard deviation (n − 1); NaN for fewer than two values.</param>
/// <param name="Count">The values that are numbers.</param>
internal readonly record struct MeanAndDeviation(double Mean, double StandardDeviation, int Count)
{
    /// <summary>The statistics of <paramref name="values"/>.</summary>
    public static MeanAndDeviation Of(IEnumerable<double> values)
    {
        var numbers = values.Where(value => !double.IsNaN(value)).ToArray();
        if (numbers.Length == 0)
            return new MeanAndDeviation(double.NaN, double.NaN, 0);
        var mean = numbers.Average();
        var deviation = numbers.Length < 2
            ? double.NaN
            : Math.Sqrt(numbers.Sum(value => (value - mean) * (value - mean)) / (numbers.Length - 1));
        return new MeanAndDeviation(mean, deviation, numbers.Length);
    }

    /// <summary>"mean ± sd" with <paramref name="format"/> for both, or "n/a".</summary>
    public string ToString(string format)
    {
        if (Count == 0)
            return "n/a";
        var deviation = double.IsNaN(StandardDeviation) ? "n/a" : StandardDeviation.ToString(format, CultureInfo.InvariantCulture);
        return $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {deviation}";
    }
}
