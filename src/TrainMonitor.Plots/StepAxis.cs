using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>The step axis of the plots against training step: logarithmic unless a run probed at step 0.</summary>
internal static class StepAxis
{
    /// <summary>The scale for the steps of <paramref name="series"/>.</summary>
    public static AxisScale For(IEnumerable<RunSeries> series) =>
        AxisScale.LogarithmicIfPositive(series.SelectMany(s => s.Snapshots).Select(s => (double)s.Step));

    /// <summary>Applies <paramref name="scale"/> to the bottom axis with a label that says which it is.</summary>
    public static void Apply(Plot plot, AxisScale scale)
    {
        scale.Apply(plot.Axes.Bottom);
        plot.XLabel(scale.IsLogarithmic ? "training step (log scale)" : "training step", size: 14);
    }
}
