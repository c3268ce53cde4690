using ScottPlot;

namespace TrainMonitor.Cli.Plots;

/// <summary>
/// The resolution frontier λ_f against step on log–log axes. Probes where the frontier was undetermined are gaps in the
/// line and are marked with a faint vertical line, so a reader sees where the fit failed rather than an interpolation.
/// λ_max is drawn dashed (the frontier lies below it); with a single run the spectral position α₁ too.
/// </summary>
internal static class FrontierPlot
{
    /// <summary>The plot for one run (with context lines) or several (frontiers only, one colour per run).</summary>
    public static Plot Create(IReadOnlyList<RunSeries> series)
    {
        var plot = FigureRenderer.NewPlot("Resolution frontier", "training step", "eigenvalue λ of M");
        var stepScale = StepAxis.For(series);
        var single = series.Count == 1;
        var determined = 0;
        foreach (var run in series)
        {
            var snapshots = run.Run.Snapshots;
            var xs = snapshots.Select(s => stepScale.ToPlot(s.Step)).ToArray();
            var frontier = snapshots.Select(s => s.Frontier.IsDetermined ? AxisScale.Logarithmic.ToPlot(s.Frontier.Lambda) : double.NaN).ToArray();
            var legend = single ? "frontier λ_f" : $"{run.Label}: frontier λ_f";
            determined += SegmentedLine.Add(plot, xs, frontier, run.Color, legend, lineWidth: 2.5f, markerSize: 7);
            // λ_max bounds the frontier from above and keeps the axis meaningful when no frontier was determined.
            SegmentedLine.Add(plot, xs, snapshots.Select(s => AxisScale.Logarithmic.ToPlot(s.LambdaMax)).ToArray(),
                single ? Colors.Gray : run.Color.WithAlpha(0.6), single ? "λ_max" : $"{run.Label}: λ_max", LinePattern.Dashed, 1.5f, 3);
            if (single)
            {
                SegmentedLine.Add(plot, xs, snapshots.Select(s => AxisScale.Logarithmic.ToPlot(s.SpectralPosition)).ToArray(),
                    Colors.DarkViolet, "spectral position α₁", LinePattern.Dotted, 1.5f, 3);
            }

            foreach (var (x, snapshot) in xs.Zip(snapshots))
            {
                if (!snapshot.Frontier.IsDetermined && double.IsFinite(x))
                {
                    var gap = plot.Add.VerticalLine(x, 1, run.Color.WithAlpha(0.25));
                    gap.LinePattern = LinePattern.Dotted;
                }
            }
        }

        var marker = plot.Add.Scatter(Array.Empty<double>(), Array.Empty<double>(), Colors.Gray.WithAlpha(0.5));
        marker.LegendText = "frontier undetermined (dotted verticals)";
        marker.LinePattern = LinePattern.Dotted;

        StepAxis.Apply(plot, stepScale);
        AxisScale.Logarithmic.Apply(plot.Axes.Left);
        plot.Axes.AutoScale();
        AxisScale.Logarithmic.IncludeADecade(plot, vertical: true);
        stepScale.IncludeADecade(plot, vertical: false);
        if (determined == 0)
        {
            var limits = plot.Axes.GetLimits();
            var note = plot.Add.Text("no probe determined a frontier (reasons are listed in the report)",
                (limits.Left + limits.Right) / 2, (limits.Bottom + limits.Top) / 2);
            note.LabelFontSize = 15;
            note.LabelAlignment = Alignment.MiddleCenter;
            note.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
