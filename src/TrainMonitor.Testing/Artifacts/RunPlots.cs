using System.Globalization;
using ScottPlot;
using TrainMonitor.Outputs;
using TrainMonitor.Shells;

namespace TrainMonitor.Testing;

/// <summary>
/// The PNG plots of a run (ScottPlot): shell profiles on log–log axes, the frontier band against step and error energy
/// against step. Log axes are drawn as log10 of the data with decade ticks, since ScottPlot plots on linear coordinates.
/// </summary>
internal static class RunPlots
{
    private const int Width = 900;
    private const int Height = 600;

    public static byte[] Profiles(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var plot = new Plot();
        plot.Title($"{runName}\nshell profiles");
        plot.XLabel("eigenvalue λ (shell centre)");
        plot.YLabel("shell energy");
        var colormap = new ScottPlot.Colormaps.Viridis();
        var plotted = 0;
        for (var i = 0; i < snapshots.Count; i++)
        {
            var s = snapshots[i];
            var shells = s.Shells.Where(x => x.Estimate > 0 && x.LambdaLower > 0 && x.LambdaUpper > 0).ToArray();
            if (shells.Length == 0)
            {
                continue;
            }

            // Shell centre on the log grid: the geometric mean of its edges.
            var xs = shells.Select(x => 0.5 * (Math.Log10(x.LambdaLower) + Math.Log10(x.LambdaUpper))).ToArray();
            var ys = shells.Select(x => Math.Log10(x.Estimate)).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.Color = colormap.GetColor(snapshots.Count == 1 ? 0.0 : i / (snapshots.Count - 1.0));
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"step {s.Step}");
            line.MarkerSize = 4;
            plotted++;
        }

        if (plotted == 0)
        {
            plot.Title($"{runName}\nshell profiles (no shell holds energy at any probe)");
        }

        return Render(plot, legend: plotted is > 0 and <= 24);
    }

    /// <summary>
    /// The quantile frontier λ_f against step inside the shaded band of its certified interval, the fit's λ as open
    /// diamonds and λ_max dashed, as the trainmonitor CLI draws it. An unbounded upper end is drawn to the top edge.
    /// </summary>
    public static byte[] Frontier(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var plot = new Plot();
        plot.XLabel("training step t");
        plot.YLabel("eigenvalue λ");
        var determined = snapshots.Where(s => s.Frontier.IsDetermined && s.Frontier.Lambda > 0 && double.IsFinite(s.Frontier.Lambda)).ToArray();
        var undetermined = snapshots.Count - determined.Length;
        var unbounded = determined.Count(s => double.IsPositiveInfinity(s.Frontier.LambdaUpper));
        var notes = new List<string>();
        if (undetermined > 0)
        {
            notes.Add($"undetermined at {undetermined} of {snapshots.Count} probes");
        }

        if (unbounded > 0)
        {
            notes.Add($"∞ upper end at {unbounded}, clipped to the top");
        }

        plot.Title(notes.Count == 0 ? $"{runName}\nresolution frontier" : $"{runName}\nresolution frontier ({string.Join("; ", notes)})");

        // An unbounded upper end is clipped half a decade above every finite value drawn, which then is the top edge.
        var top = snapshots.SelectMany(s => new[] { s.Frontier.Lambda, s.Frontier.LambdaLower, s.Frontier.LambdaUpper, s.Frontier.Fit.Lambda, s.LambdaMax })
            .Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).DefaultIfEmpty(0).Max() + 0.5;
        AddBand(plot, snapshots, top);
        AddSeries(plot, determined.Select(s => ((double)s.Step, s.Frontier.Lambda)), "frontier λ_f", Colors.C0);
        var fits = snapshots.Where(s => s.Frontier.Fit.IsDetermined && s.Step > 0 && s.Frontier.Fit.Lambda > 0 && double.IsFinite(s.Frontier.Fit.Lambda)).ToArray();
        var fit = plot.Add.ScatterPoints(fits.Select(s => Math.Log10(s.Step)).ToArray(), fits.Select(s => Math.Log10(s.Frontier.Fit.Lambda)).ToArray(), Colors.DarkOrange);
        fit.MarkerShape = MarkerShape.OpenDiamond;
        fit.MarkerSize = 10;
        fit.LegendText = fits.Length == 0 ? "fit λ: never determined" : "fit λ";
        var lambdaMax = snapshots.Where(s => s.LambdaMax > 0 && double.IsFinite(s.LambdaMax)).Select(s => ((double)s.Step, s.LambdaMax));
        AddSeries(plot, lambdaMax, "λ_max", Colors.Gray, LinePattern.Dashed);
        // Lower left: the frontier falls from upper left to lower right, and λ_max runs along the top.
        return Render(plot, legend: true, top: unbounded > 0 ? top : null, legendAt: Alignment.LowerLeft);
    }

    public static byte[] ErrorEnergy(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var plot = new Plot();
        plot.Title($"{runName}\nerror energy");
        plot.XLabel("training step t");
        plot.YLabel("energy ‖e‖²/n");
        AddSeries(plot, snapshots.Where(s => s.ErrorEnergy > 0 && double.IsFinite(s.ErrorEnergy)).Select(s => ((double)s.Step, s.ErrorEnergy)), "error energy", Colors.C0);
        AddSeries(plot, snapshots.Where(s => s.NullEnergy > 0 && double.IsFinite(s.NullEnergy)).Select(s => ((double)s.Step, s.NullEnergy)), "null energy", Colors.C1);
        return Render(plot, legend: true);
    }

    /// <summary>The certified interval of λ_f as shaded pieces over runs of consecutive determined probes.</summary>
    private static void AddBand(Plot plot, IReadOnlyList<ProbeSnapshot> snapshots, double top)
    {
        var legend = "certified interval";
        var piece = new List<(double X, double Low, double High)>();
        foreach (var s in snapshots.Append(null))
        {
            var f = s?.Frontier;
            if (s is not null && f!.IsDetermined && s.Step > 0 && f.LambdaLower > 0 && double.IsFinite(f.LambdaLower) && f.LambdaUpper >= f.LambdaLower)
            {
                piece.Add((Math.Log10(s.Step), Math.Log10(f.LambdaLower), double.IsPositiveInfinity(f.LambdaUpper) ? top : Math.Log10(f.LambdaUpper)));
                continue;
            }

            if (piece.Count > 0)
            {
                // One isolated probe cannot be an area: its interval is a short thick bar.
                var color = Colors.C0.WithAlpha(0.2);
                if (piece.Count == 1)
                {
                    var bar = plot.Add.Line(piece[0].X, piece[0].Low, piece[0].X, piece[0].High);
                    (bar.LineColor, bar.LineWidth, bar.MarkerSize, bar.LegendText) = (color, 8, 0, legend);
                }
                else
                {
                    var fill = plot.Add.FillY(piece.Select(p => p.X).ToArray(), piece.Select(p => p.Low).ToArray(), piece.Select(p => p.High).ToArray());
                    (fill.FillStyle.Color, fill.LineStyle.Width, fill.LegendText) = (color, 0, legend);
                }

                legend = string.Empty;
                piece.Clear();
            }
        }
    }

    private static void AddSeries(Plot plot, IEnumerable<(double X, double Y)> points, string label, Color color, LinePattern? pattern = null)
    {
        var list = points.Where(p => p.X > 0 && p.Y > 0).ToArray();
        if (list.Length == 0)
        {
            return;
        }

        var line = plot.Add.Scatter(list.Select(p => Math.Log10(p.X)).ToArray(), list.Select(p => Math.Log10(p.Y)).ToArray());
        line.LegendText = label;
        line.Color = color;
        line.MarkerSize = 5;
        line.LinePattern = pattern ?? LinePattern.Solid;
    }

    private static byte[] Render(Plot plot, bool legend, double? top = null, Alignment legendAt = Alignment.UpperRight)
    {
        plot.Axes.AutoScale();
        if (top is { } edge)
        {
            plot.Axes.SetLimitsY(plot.Axes.GetLimits().Bottom, edge);
        }

        var limits = plot.Axes.GetLimits();
        plot.Axes.Bottom.TickGenerator = LogTicks(limits.Right - limits.Left);
        plot.Axes.Left.TickGenerator = LogTicks(limits.Top - limits.Bottom);
        if (legend)
        {
            plot.ShowLegend(legendAt);
        }

        plot.Axes.Title.Label.FontSize = 14;
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>
    /// Ticks of an axis holding log10 of the data. Over two decades or more: major ticks at whole decades labelled 1e-3,
    /// 1e0, …, minor ticks at 2..9 × each decade. Over less, whole decades may not fall inside the axis at all, so ticks go
    /// where ScottPlot puts them and are labelled with the value they stand for.
    /// </summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks(double spanInDecades) => spanInDecades >= 2
        ? new()
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = v => "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
        }
        : new()
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
        };
}
