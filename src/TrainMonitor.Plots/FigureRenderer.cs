using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>Renders a ScottPlot <see cref="Plot"/> to PNG bytes with the look shared by every figure of a report.</summary>
internal static class FigureRenderer
{
    private const string PreferredFont = "DejaVu Sans";

    /// <summary>Applies the common style (font sizes, grid) before axes and data are added.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        // ScottPlot asks for a font the machine may not have and Skia then falls back to a serif face; a sans face that
        // has λ, α and superscript digits reads better. Where it is missing Skia falls back again, so this only helps.
        plot.Font.Set(PreferredFont);
        plot.Title(title, size: 17);
        plot.XLabel(xLabel, size: 14);
        plot.YLabel(yLabel, size: 14);
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.12);
        plot.Grid.MinorLineColor = Colors.Black.WithAlpha(0.05);
        plot.Grid.MinorLineWidth = 1;
        return plot;
    }

    /// <summary>Renders <paramref name="plot"/> at <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static RenderedFigure Render(Plot plot, string fileName, string title, string caption, int width, int height) =>
        new(fileName, title, caption, Png(plot, width, height));

    /// <summary>The PNG bytes of <paramref name="plot"/> at <paramref name="width"/> × <paramref name="height"/> pixels, for a figure without a page.</summary>
    public static byte[] Png(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);
}
