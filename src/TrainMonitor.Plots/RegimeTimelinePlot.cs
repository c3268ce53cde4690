using ScottPlot;
using TrainMonitor.Regimes;

namespace TrainMonitor.Plots;

/// <summary>
/// The regime as coloured bands along the step axis, one row per run. A probe's regime holds from its step until the
/// next probe; the last band gets the width of the one before it, so the final regime stays visible.
/// </summary>
internal static class RegimeTimelinePlot
{
    /// <summary>One row per series, first series on top.</summary>
    public static Plot Create(IReadOnlyList<RunSeries> series)
    {
        var plot = FigureRenderer.NewPlot("Regime", "training step", string.Empty);
        var stepScale = StepAxis.For(series);
        var seen = new SortedSet<TrainingRegime>();
        for (var row = 0; row < series.Count; row++)
        {
            var snapshots = series[row].Snapshots;
            var xs = snapshots.Select(s => stepScale.ToPlot(s.Step)).ToArray();
            var top = series.Count - row;
            var bottom = top - 0.8;
            for (var i = 0; i < snapshots.Count; i++)
            {
                var left = xs[i];
                var right = i + 1 < xs.Length ? xs[i + 1] : left + (i > 0 ? left - xs[i - 1] : 1);
                if (right <= left)
                {
                    continue; // repeated step: the later probe's band starts at the same place
                }

                var regime = snapshots[i].Assessment.Regime;
                seen.Add(regime);
                var band = plot.Add.Rectangle(left, right, bottom, top);
                band.FillStyle.Color = RegimePalette.Color(regime);
                band.LineStyle.Width = 0;
            }

            // A tick per probe, so the bands are read as sampled, not continuous.
            plot.Add.Markers(xs, Enumerable.Repeat(bottom + 0.06, xs.Length).ToArray(), MarkerShape.FilledTriangleUp, 7, Colors.Black.WithAlpha(0.6));
        }

        foreach (var regime in seen)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = regime.ToWireName(),
                FillColor = RegimePalette.Color(regime),
                LineWidth = 0,
            });
        }

        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "probe",
            MarkerShape = MarkerShape.FilledTriangleUp,
            MarkerColor = Colors.Black.WithAlpha(0.6),
            MarkerSize = 7,
            LineWidth = 0,
        });

        StepAxis.Apply(plot, stepScale);
        var tickPositions = Enumerable.Range(0, series.Count).Select(r => series.Count - r - 0.4).ToArray();
        plot.Axes.Left.SetTicks(tickPositions, series.Select(s => s.Label).ToArray());
        plot.Axes.AutoScaleX();
        stepScale.IncludeADecade(plot, vertical: false);
        plot.Axes.SetLimitsY(0, series.Count + 0.1);
        plot.Grid.YAxisStyle.IsVisible = false;
        LegendPlacement.Beside.Show(plot);
        return plot;
    }
}
