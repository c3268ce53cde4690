using ScottPlot;
using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>
/// The resolution frontier against step on log–log axes: the quantile frontier λ_f as a line inside the shaded band of
/// its certified interval, and the amplitude–frontier fit's λ as separate markers (two estimates, not one curve).
/// Probes where λ_f was undetermined are gaps in line and band and are marked with a faint vertical line, so a reader
/// sees where it failed rather than an interpolation. An unbounded upper end (Lanczos could not certify one) is drawn
/// to the top edge of the plot. λ_max is drawn dashed (the frontier lies below it); with a single run the spectral
/// position α₁ too.
/// </summary>
internal static class FrontierPlot
{
    // An unbounded upper end is clipped this far (in decades) above the highest finite value the plot draws.
    private const double ClipMargin = 0.5;

    /// <summary>The plot for one run (with context lines) or several (frontiers only, one colour per run).</summary>
    public static Plot Create(IReadOnlyList<RunSeries> series, LegendPlacement? legendPlacement = null)
    {
        var plot = FigureRenderer.NewPlot("Resolution frontier", "training step", "eigenvalue λ of M");
        var stepScale = StepAxis.For(series);
        var single = series.Count == 1;
        var top = ClipTop(series.SelectMany(s => s.Snapshots));
        var determined = 0;
        var unbounded = false;
        foreach (var run in series)
        {
            var snapshots = run.Snapshots;
            var xs = snapshots.Select(s => stepScale.ToPlot(s.Step)).ToArray();
            var lower = snapshots.Select(s => Quantile(s, s.Frontier.LambdaLower)).ToArray();
            var upper = snapshots.Select(s => s.Frontier.IsDetermined && double.IsPositiveInfinity(s.Frontier.LambdaUpper)
                ? top : Quantile(s, s.Frontier.LambdaUpper)).ToArray();
            unbounded |= snapshots.Any(s => s.Frontier.IsDetermined && double.IsPositiveInfinity(s.Frontier.LambdaUpper));
            // On exact spectra every interval is a point and the band has no height; the legend says so rather than
            // showing a swatch the plot does not contain.
            var exact = snapshots.Where(s => s.Frontier.IsDetermined).All(s => s.Frontier.LambdaLower == s.Frontier.LambdaUpper);
            var bandLegend = (single ? "certified interval" : $"{run.Label}: certified interval") + (exact ? " (exact: no width)" : string.Empty);
            IntervalBand.Add(plot, xs, lower, upper, run.Color.WithAlpha(0.2), bandLegend);
            var frontier = snapshots.Select(s => Quantile(s, s.Frontier.Lambda)).ToArray();
            determined += SegmentedLine.Add(plot, xs, frontier, run.Color, single ? "frontier λ_f" : $"{run.Label}: frontier λ_f",
                lineWidth: 2.5f, markerSize: 7);
            AddFit(plot, xs, snapshots, single ? Colors.DarkOrange : run.Color, single ? "fit λ" : $"{run.Label}: fit λ");

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

        if (series.Any(r => r.Snapshots.Any(s => !s.Frontier.IsDetermined)))
        {
            var marker = plot.Add.Scatter(Array.Empty<double>(), Array.Empty<double>(), Colors.Gray.WithAlpha(0.5));
            marker.LegendText = "λ_f undetermined (dotted verticals)";
            marker.LinePattern = LinePattern.Dotted;
        }

        StepAxis.Apply(plot, stepScale);
        AxisScale.Logarithmic.Apply(plot.Axes.Left);
        plot.Axes.AutoScale();
        AxisScale.Logarithmic.IncludeADecade(plot, vertical: true);
        stepScale.IncludeADecade(plot, vertical: false);
        if (unbounded)
        {
            // The clipped band ends exactly at the top edge, so "runs off the plot" is what it shows.
            plot.Axes.SetLimitsY(plot.Axes.GetLimits().Bottom, top);
        }

        if (determined == 0)
        {
            var limits = plot.Axes.GetLimits();
            var note = plot.Add.Text("no probe determined a frontier λ_f (reasons are listed in the report)",
                (limits.Left + limits.Right) / 2, (limits.Bottom + limits.Top) / 2);
            note.LabelFontSize = 15;
            note.LabelAlignment = Alignment.MiddleCenter;
            note.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        }

        (legendPlacement ?? LegendPlacement.Beside).Show(plot);
        return plot;
    }

    /// <summary>
    /// The figure's caption: what line, band and markers are, and, when some probe's upper end is unbounded, that its
    /// band is clipped to the top edge (it is not a bound there).
    /// </summary>
    public static string Caption(IEnumerable<ProbeSnapshot> snapshots)
    {
        var list = snapshots.ToArray();
        var unbounded = list.Count(s => s.Frontier.IsDetermined && double.IsPositiveInfinity(s.Frontier.LambdaUpper));
        var caption = "Line: the energy-quantile frontier λ_f (the eigenvalue above which a fraction p of the non-null error energy lies); " +
                      "shaded: its certified [lower, upper] interval (no height where the spectra were exact); " +
                      "open diamonds: λ of the amplitude–frontier fit, where the fit was determined.";
        return unbounded == 0
            ? caption
            : caption + $" At {unbounded} probe(s) no upper end was certified (∞): the band there is clipped to the top of the plot.";
    }

    /// <summary>The plot coordinate of a quantile-frontier value, NaN when the probe did not determine λ_f.</summary>
    private static double Quantile(ProbeSnapshot snapshot, double value) =>
        snapshot.Frontier.IsDetermined ? AxisScale.Logarithmic.ToPlot(value) : double.NaN;

    /// <summary>The fit's λ as open diamonds without a line: it is a second estimate beside λ_f, often undetermined.</summary>
    private static void AddFit(Plot plot, double[] xs, IReadOnlyList<ProbeSnapshot> snapshots, Color color, string legend)
    {
        var points = xs.Zip(snapshots)
            .Select(p => (X: p.First, Y: p.Second.Frontier.Fit.IsDetermined ? AxisScale.Logarithmic.ToPlot(p.Second.Frontier.Fit.Lambda) : double.NaN))
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        // With no fit determined the legend entry stays (on an empty series), so the missing diamonds read as "never
        // determined" and not as "not drawn".
        var fit = plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
        fit.MarkerShape = MarkerShape.OpenDiamond;
        fit.MarkerSize = 11;
        fit.MarkerLineWidth = 2;
        fit.LegendText = points.Length == 0 ? $"{legend}: never determined" : legend;
    }

    /// <summary>Where an unbounded upper end is drawn to: <see cref="ClipMargin"/> decades above every finite value drawn.</summary>
    private static double ClipTop(IEnumerable<ProbeSnapshot> snapshots)
    {
        var highest = snapshots.SelectMany(s => new[]
            {
                s.Frontier.Lambda, s.Frontier.LambdaLower, s.Frontier.LambdaUpper, s.Frontier.Fit.Lambda, s.LambdaMax, s.SpectralPosition,
            })
            .Select(AxisScale.Logarithmic.ToPlot).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        return highest + ClipMargin;
    }
}
