using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>
/// The colours of runs on a shared plot: a single run is drawn in the first, a comparison in the first two, so a run
/// has the same colour in a report, in a comparison as run A and in a test's artifacts.
/// </summary>
internal static class RunPalette
{
    /// <summary>Blue, then red.</summary>
    public static IReadOnlyList<Color> Colors { get; } = [Color.FromHex("#1f77b4"), Color.FromHex("#d62728")];
}
