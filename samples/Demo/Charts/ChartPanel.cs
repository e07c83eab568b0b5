namespace FocalAot.Demo;

/// <summary>One line of a chart panel, with markers at its points.</summary>
/// <param name="Label">The legend's text.</param>
/// <param name="X">The points' x values.</param>
/// <param name="Y">The points' y values.</param>
internal sealed record ChartSeries(string Label, double[] X, double[] Y)
{
    /// <summary>± this much around each point, drawn as error bars; null for none.</summary>
    public double[]? Error { get; init; }

    /// <summary>The series' colour in the chart palette: series that belong together share one.</summary>
    public int ColorIndex { get; init; }

    /// <summary>
    /// A thinner line with open square markers, telling a variant from the series of the same colour. Not dashes:
    /// Skia's SVG canvas draws no path effects, so dashes would come out solid in SVG.
    /// </summary>
    public bool IsVariant { get; init; }
}

/// <summary>One panel of a chart: a title, axis labels and its lines.</summary>
/// <param name="Title">The panel's title.</param>
/// <param name="XLabel">The horizontal axis's label.</param>
/// <param name="YLabel">The vertical axis's label.</param>
/// <param name="Series">The lines.</param>
internal sealed record ChartPanel(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>The fewest samples a reliability diagram's bin needs to be drawn.</summary>
    public const int MinimumBinCount = 10;

    /// <summary>A reliability diagram: both axes span [0, 1], with the diagonal of perfect calibration.</summary>
    public bool IsReliabilityDiagram { get; init; }

    /// <summary>A reliability diagram's series: one per named curve, its bins of at least <see cref="MinimumBinCount"/> samples.</summary>
    public static IReadOnlyList<ChartSeries> ReliabilitySeries(IEnumerable<(string Label, int ColorIndex, ReliabilityCurve Curve)> curves)
        => [.. curves.Select(entry =>
        {
            var (confidence, accuracy) = entry.Curve.Points(MinimumBinCount);
            return new ChartSeries(entry.Label, confidence, accuracy) { ColorIndex = entry.ColorIndex };
        })];
}
