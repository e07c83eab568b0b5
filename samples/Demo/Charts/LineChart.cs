using ScottPlot;

namespace FocalAot.Demo;

/// <summary>Builds a chart of panels side by side from <see cref="ChartPanel"/>s, in the chart font.</summary>
internal static class LineChart
{
    /// <summary>The chart of <paramref name="panels"/>, left to right.</summary>
    public static Multiplot Build(IReadOnlyList<ChartPanel> panels)
    {
        var plots = panels.Select(BuildPanel).ToList();

        // Built around its first panel: an empty Multiplot starts with a blank one of its own.
        var chart = new Multiplot(plots[0]) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        foreach (var plot in plots.Skip(1))
            chart.AddPlot(plot);
        return chart;
    }

    private static Plot BuildPanel(ChartPanel panel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        if (panel.IsReliabilityDiagram)
        {
            var diagonal = plot.Add.Line(0, 0, 1, 1);
            diagonal.Color = Colors.Gray;
            diagonal.LineWidth = 1;
            diagonal.LegendText = "perfectly calibrated";
        }

        foreach (var series in panel.Series)
        {
            var color = palette.GetColor(series.ColorIndex);
            var line = plot.Add.Scatter(series.X, series.Y, color);
            line.LegendText = series.Label;
            line.LineWidth = series.IsVariant ? 1 : 2;
            line.MarkerShape = series.IsVariant ? MarkerShape.OpenSquare : MarkerShape.FilledCircle;
            line.MarkerSize = 7;
            if (series.Error is { } error)
                plot.Add.ErrorBar(series.X, series.Y, error).Color = color;
        }

        plot.Title(panel.Title);
        plot.XLabel(panel.XLabel);
        plot.YLabel(panel.YLabel);

        // Outside the data area, where it hides no line.
        plot.ShowLegend(Edge.Bottom);
        if (panel.IsReliabilityDiagram)
            plot.Axes.SetLimits(0, 1, 0, 1);
        ChartFont.ApplyTo(plot);
        return plot;
    }
}
