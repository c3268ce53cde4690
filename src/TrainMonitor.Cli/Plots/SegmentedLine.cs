using ScottPlot;

namespace TrainMonitor.Cli.Plots;

/// <summary>
/// Draws a series as lines with markers, broken wherever a value cannot be shown (NaN: undetermined, or not positive on
/// a log axis), so that a missing value is a visible gap and never a line drawn across it.
/// </summary>
internal static class SegmentedLine
{
    /// <summary>Adds the series; <paramref name="legend"/> is attached to the first segment only. Returns the number of points drawn.</summary>
    public static int Add(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Color color, string? legend,
        LinePattern? pattern = null, float lineWidth = 2, float markerSize = 5)
    {
        var drawn = 0;
        var legendPending = legend;
        var segmentX = new List<double>();
        var segmentY = new List<double>();
        for (var i = 0; i <= xs.Count; i++)
        {
            var ok = i < xs.Count && double.IsFinite(xs[i]) && double.IsFinite(ys[i]);
            if (ok)
            {
                segmentX.Add(xs[i]);
                segmentY.Add(ys[i]);
                continue;
            }

            if (segmentX.Count > 0)
            {
                var scatter = plot.Add.Scatter(segmentX.ToArray(), segmentY.ToArray(), color);
                scatter.LineWidth = lineWidth;
                scatter.MarkerSize = markerSize;
                scatter.LinePattern = pattern ?? LinePattern.Solid;
                if (legendPending is not null)
                {
                    scatter.LegendText = legendPending;
                    legendPending = null;
                }

                drawn += segmentX.Count;
                segmentX.Clear();
                segmentY.Clear();
            }
        }

        return drawn;
    }
}
