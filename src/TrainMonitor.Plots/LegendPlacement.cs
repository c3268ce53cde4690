using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>
/// Where a figure's legend goes: beside the data area (the report's 1100-pixel figures, where it never covers data) or in
/// a corner inside it (a test's 900-pixel artifacts, where a legend beside the data would take a third of the width).
/// </summary>
internal sealed class LegendPlacement
{
    private readonly Alignment? _corner;

    private LegendPlacement(Alignment? corner) => _corner = corner;

    /// <summary>On the right of the data area.</summary>
    public static LegendPlacement Beside { get; } = new(null);

    /// <summary>Inside the data area, in <paramref name="corner"/>: where the figure's data usually leaves room.</summary>
    public static LegendPlacement Inside(Alignment corner) => new(corner);

    /// <summary>Shows the legend of <paramref name="plot"/> here.</summary>
    public void Show(Plot plot)
    {
        if (_corner is { } corner)
        {
            plot.ShowLegend(corner);
        }
        else
        {
            plot.ShowLegend(Edge.Right);
        }
    }
}
