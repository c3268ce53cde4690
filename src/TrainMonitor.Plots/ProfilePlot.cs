using ScottPlot;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Plots;

/// <summary>
/// Shell profiles: energy per logarithmic eigenvalue shell on log–log axes, the Gauss estimate as a line and the certified
/// [lower, upper] bounds as a shaded band.
/// </summary>
internal static class ProfilePlot
{
    // A log axis cannot show 0, and a certified lower bound is often exactly 0. Energies are shown down to this many
    // decades below the largest one; anything smaller (including 0) is drawn at that floor.
    private const double DecadesShown = 8;

    /// <summary>Several probes of one run (or the last probes of several runs) overlaid, coloured in order.</summary>
    public static Plot Overlay(string title, IReadOnlyList<(string Label, ProbeSnapshot Snapshot)> profiles, IReadOnlyList<Color>? colors = null,
        LegendPlacement? legendPlacement = null)
    {
        var plot = FigureRenderer.NewPlot(title, "eigenvalue λ of M (shell centre)", "energy in shell");
        var floor = Floor(profiles.Select(p => p.Snapshot));
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (var i = 0; i < profiles.Count; i++)
        {
            var color = colors is not null
                ? colors[i % colors.Count]
                : colormap.GetColor(profiles.Count == 1 ? 0.0 : 0.9 * i / (profiles.Count - 1));
            AddProfile(plot, profiles[i].Snapshot, floor, color, profiles[i].Label);
        }

        Finish(plot, floor);
        (legendPlacement ?? LegendPlacement.Beside).Show(plot);
        return plot;
    }

    /// <summary>
    /// One probe: its occupancy (nodes per shell) as faint bars on the right axis when the file recorded it, the profile,
    /// the quantile frontier λ_f as a solid vertical with its certified interval shaded, and the fit's λ dashed.
    /// <paramref name="stepText"/> is the step as the caller prints steps elsewhere (the report: with thousands separators).
    /// </summary>
    public static Plot Single(ProbeSnapshot snapshot, string stepText)
    {
        var title = $"step {stepText} · {snapshot.Assessment.Regime.ToWireName()}";
        var plot = FigureRenderer.NewPlot(title, "eigenvalue λ", "energy");
        var floor = Floor([snapshot]);
        var occupancy = AddOccupancy(plot, snapshot);
        AddProfile(plot, snapshot, floor, RegimePalette.Color(snapshot.Assessment.Regime), legend: null);
        Finish(plot, floor, tickDensity: 0.6);
        var frontier = snapshot.Frontier;
        if (frontier.IsDetermined && frontier.Lambda > 0)
        {
            // After Finish, so an unbounded upper end can be drawn to the right edge of the axis.
            var right = plot.Axes.GetLimits().Right;
            var low = AxisScale.Logarithmic.ToPlot(frontier.LambdaLower);
            var high = double.IsPositiveInfinity(frontier.LambdaUpper) ? right : AxisScale.Logarithmic.ToPlot(frontier.LambdaUpper);
            if (double.IsFinite(low) && double.IsFinite(high) && high > low)
            {
                // Gold, not grey: grey is the occupancy bars', and the profile's own band has the regime's colour.
                var span = plot.Add.HorizontalSpan(low, high, Colors.Gold.WithAlpha(0.25));
                span.LineStyle.Width = 0;
            }

            var line = plot.Add.VerticalLine(Math.Log10(frontier.Lambda), 1.5f, Colors.Black);
            Label(line, "λ_f");
        }

        if (frontier.Fit.IsDetermined && frontier.Fit.Lambda > 0)
        {
            var fit = plot.Add.VerticalLine(Math.Log10(frontier.Fit.Lambda), 1.5f, Colors.DarkOrange);
            fit.LinePattern = LinePattern.Dashed;
            Label(fit, "fit λ");
        }

        if (occupancy)
        {
            plot.Axes.Right.Label.Text = "nodes";
            plot.Axes.Right.Label.FontSize = 11;
        }

        plot.Title(title, size: 14);
        return plot;
    }

    /// <summary>A small label on the bottom edge in the line's colour; the default box is as tall as the tick labels it covers.</summary>
    private static void Label(ScottPlot.Plottables.VerticalLine line, string text)
    {
        line.Text = text;
        line.LabelFontSize = 10;
        line.LabelBackgroundColor = line.LineColor;
    }

    /// <summary>
    /// Quadrature nodes per shell as faint grey bars spanning the shell, on a linear right axis: a shell held by one or
    /// two eigenvalues is an outlier, not a trend. False when the file did not record occupancy.
    /// </summary>
    private static bool AddOccupancy(Plot plot, ProbeSnapshot snapshot)
    {
        var shells = snapshot.Shells.Where(s => s.Occupancy is not null && s.LambdaLower > 0 && s.LambdaUpper > s.LambdaLower).ToArray();
        if (shells.Length == 0)
        {
            return false;
        }

        var bars = shells.Select(s => new Bar
        {
            Position = Math.Log10(Math.Sqrt(s.LambdaLower * s.LambdaUpper)),
            Value = s.Occupancy!.Value,
            Size = Math.Log10(s.LambdaUpper / s.LambdaLower) * 0.9,
            FillColor = Colors.Gray.WithAlpha(0.12),
            LineWidth = 0,
        }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.Axes.YAxis = plot.Axes.Right;
        return true;
    }

    private static void AddProfile(Plot plot, ProbeSnapshot snapshot, double floor, Color color, string? legend)
    {
        var shells = snapshot.Shells;
        if (shells.Count == 0)
        {
            return;
        }

        var xs = shells.Select(s => Math.Log10(Math.Sqrt(s.LambdaLower * s.LambdaUpper))).ToArray();
        var lower = shells.Select(s => Math.Log10(Math.Max(Finite(s.Lower), floor))).ToArray();
        var upper = shells.Select(s => Math.Log10(Math.Max(Finite(s.Upper), floor))).ToArray();
        var band = plot.Add.FillY(xs, lower, upper);
        band.FillStyle.Color = color.WithAlpha(0.12);
        band.LineStyle.Width = 0;

        // Zero estimates are gaps, not plunges to the floor: "no energy found here" is what the band already says.
        var estimate = shells.Select(s => s.Estimate > floor ? Math.Log10(s.Estimate) : double.NaN).ToArray();
        SegmentedLine.Add(plot, xs, estimate, color, legend, markerSize: 4);
    }

    private static void Finish(Plot plot, double floor, double tickDensity = 1)
    {
        AxisScale.Logarithmic.Apply(plot.Axes.Bottom, tickDensity);
        AxisScale.Logarithmic.Apply(plot.Axes.Left, tickDensity);
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(Math.Log10(floor) - 0.2, limits.Top + 0.3);
        AxisScale.Logarithmic.IncludeADecade(plot, vertical: false);
    }

    /// <summary>The lowest energy drawn: <see cref="DecadesShown"/> decades below the largest upper bound or estimate.</summary>
    private static double Floor(IEnumerable<ProbeSnapshot> snapshots)
    {
        var largest = snapshots.SelectMany(s => s.Shells).SelectMany(s => new[] { s.Upper, s.Estimate })
            .Where(v => double.IsFinite(v) && v > 0).DefaultIfEmpty(1).Max();
        return largest * Math.Pow(10, -DecadesShown);
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
