namespace FocalAot.Calibration;

/// <summary>Which bin a valid confidence (in [0, 1]) belongs to: the number of interior edges strictly below it.</summary>
internal interface IBinRule
{
    int BinOf(double confidence);
}

/// <summary>
/// Equal-width bins with numpy's linspace edges e_k = fl(k · fl(1/B)): the candidate floor(c·B) is off by at most one
/// from the rule (both c·B and e_k are within an ulp of the exact values), so one comparison with each neighbouring
/// edge settles it. The vector pass (<see cref="GapKernel"/>) performs the same operations lane by lane.
/// </summary>
internal readonly struct EqualWidthRule(int bins) : IBinRule
{
    public double Bins { get; } = bins;

    public double Last { get; } = bins - 1;

    public double Step { get; } = 1.0 / bins;

    public int BinOf(double confidence)
    {
        var bin = Math.Min(Math.Floor(confidence * Bins), Last);
        if (bin > 0 && confidence <= bin * Step)
            bin -= 1;
        else if (bin < Last && confidence > (bin + 1) * Step)
            bin += 1;
        return (int)bin;
    }
}

/// <summary>Bins between given interior edges (sorted): a lower-bound search, numpy's searchsorted with side left.</summary>
internal readonly struct InteriorEdgesRule(double[] edges, int count) : IBinRule
{
    public int BinOf(double confidence)
    {
        int low = 0, high = count;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (edges[middle] < confidence)
                low = middle + 1;
            else
                high = middle;
        }

        return low;
    }
}
