using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>
/// Draws a series as lines with markers, broken wherever a value cannot be shown (NaN: undetermined, or not positive on
/// a log axis), so that a missing value is a visible gap and never a line drawn across it.
/// </summary>
internal static class SegmentedLine
{
    /// <summary>
    /// Adds the series; <paramref name="legend"/> is attached to the first segment only, <paramref name="yAxis"/> (default: the
    /// left axis) is the axis its values are read on. Returns the number of points drawn.
    /// </summary>
    public static int Add(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Color color, string? legend,
        LinePattern? pattern = null, float lineWidth = 2, float markerSize = 5, IYAxis? yAxis = null)
    {
        var drawn = 0;
        var legendPending = legend;
        foreach (var (start, count) in Segments(xs.Count, i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])))
        {
            var scatter = plot.Add.Scatter(xs.Skip(start).Take(count).ToArray(), ys.Skip(start).Take(count).ToArray(), color);
            scatter.LineWidth = lineWidth;
            scatter.MarkerSize = markerSize;
            scatter.LinePattern = pattern ?? LinePattern.Solid;
            if (yAxis is not null)
            {
                scatter.Axes.YAxis = yAxis;
            }

            if (legendPending is not null)
            {
                scatter.LegendText = legendPending;
                legendPending = null;
            }

            drawn += count;
        }

        return drawn;
    }

    /// <summary>The maximal runs of consecutive indices in [0, <paramref name="count"/>) at which <paramref name="drawable"/> holds.</summary>
    public static IEnumerable<(int Start, int Count)> Segments(int count, Func<int, bool> drawable)
    {
        var start = -1;
        for (var i = 0; i <= count; i++)
        {
            var ok = i < count && drawable(i);
            if (ok && start < 0)
            {
                start = i;
            }
            else if (!ok && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }
}
