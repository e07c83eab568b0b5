namespace FocalAot.Demo;

/// <summary>The median, for timings (robust to a run the OS preempted) and fitted temperatures.</summary>
internal static class Median
{
    /// <summary>The middle value, or the mean of the two middle ones; NaN for no values.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
