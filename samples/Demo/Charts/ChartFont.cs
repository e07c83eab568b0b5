using ScottPlot;
using SkiaSharp;

namespace FocalAot.Demo;

/// <summary>
/// The font of every chart: DejaVu Sans, embedded in this assembly. SkiaSharp's Linux build without dependencies finds
/// no font where none is installed (a bare container), and ScottPlot then draws its text as nothing; serving the
/// font from the assembly makes titles, ticks and legends render anywhere, the same on every machine.
/// </summary>
internal static class ChartFont
{
    /// <summary>The family name the charts ask ScottPlot for.</summary>
    public const string Name = "FocalAot Demo Sans";

    private static readonly Lazy<SKTypeface> EmbeddedTypeface = new(Load);

    /// <summary>ScottPlot's resolvers are global: one registration serves every chart.</summary>
    private static readonly Lazy<bool> Registration = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        return true;
    });

    /// <summary>The embedded font, loaded on first use.</summary>
    public static SKTypeface Typeface => EmbeddedTypeface.Value;

    /// <summary>Registers the font with ScottPlot (once) and makes it every text's font on <paramref name="plot"/>.</summary>
    public static void ApplyTo(Plot plot)
    {
        _ = Registration.Value;
        plot.Font.Set(Name);
    }

    private static SKTypeface Load()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream("FocalAot.Demo.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The embedded chart font is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SKTypeface.FromData(SKData.CreateCopy(copy.ToArray()))
            ?? throw new InvalidOperationException("The embedded chart font could not be read.");
    }

    /// <summary>Answers ScottPlot's requests for <see cref="Name"/>, in any weight or slant, with the one face.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) => fontName == Name ? Typeface : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width)
            => fontName == Name ? Typeface : null;
    }
}
