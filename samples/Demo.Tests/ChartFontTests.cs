namespace FocalAot.Demo.Tests;

/// <summary>The embedded chart font loads and covers the characters the charts print.</summary>
[Collection(WholeProgramRuns.Name)]
public sealed class ChartFontTests
{
    [Fact]
    public void The_embedded_font_has_every_glyph_the_charts_use()
    {
        var typeface = ChartFont.Typeface;
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        Assert.True(typeface.ContainsGlyphs("Average precision γ α=0.25 ↑ ↓ ≥ 1:1000 (0: cross-entropy)"));
    }

    [Fact]
    public void ScottPlot_resolves_the_chart_font_name_to_the_embedded_font()
    {
        var plot = new ScottPlot.Plot();
        ChartFont.ApplyTo(plot);
        Assert.Same(ChartFont.Typeface, ScottPlot.Fonts.GetTypeface(ChartFont.Name, bold: false, italic: false));
    }
}
