using ScottPlot;
using SkiaSharp;

namespace FocalAot.Demo;

/// <summary>Writes a chart of one or more panels to a PNG or SVG file, chosen by the file's extension.</summary>
internal static class ChartFile
{
    /// <summary>Renders <paramref name="chart"/> at <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <returns>The file's full path.</returns>
    public static string Save(Multiplot chart, string path, int width, int height)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        switch (Path.GetExtension(fullPath).ToLowerInvariant())
        {
            case ".png":
                chart.SavePng(fullPath, width, height);
                break;
            case ".svg":
                // ScottPlot saves a multi-panel chart as PNG only; Skia's SVG canvas records the same drawing as vectors.
                using (var stream = File.Create(fullPath))
                using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
                {
                    canvas.Clear(SKColors.White);
                    chart.Render(canvas, new PixelRect(0, width, height, 0));
                }

                break;
            default:
                throw new ArgumentException($"A chart is a .png or .svg file, not '{path}'.", nameof(path));
        }

        return fullPath;
    }
}
