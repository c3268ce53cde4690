using System.Globalization;
using ScottPlot;
using TrainMonitor.Monitoring;

namespace TrainMonitor.Testing;

/// <summary>
/// The PNG plots of a run (ScottPlot): shell profiles on log–log axes, frontier against step and error energy against
/// step. Log axes are drawn as log10 of the data with decade ticks, since ScottPlot plots on linear coordinates.
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

    public static byte[] Frontier(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var plot = new Plot();
        plot.XLabel("training step t");
        plot.YLabel("eigenvalue λ");
        var determined = snapshots.Where(s => s.Frontier.IsDetermined && s.Frontier.Lambda > 0 && double.IsFinite(s.Frontier.Lambda)).ToArray();
        var undetermined = snapshots.Count - determined.Length;
        plot.Title(undetermined == 0
            ? $"{runName}\nresolution frontier"
            : $"{runName}\nresolution frontier (undetermined at {undetermined} of {snapshots.Count} probes)");
        AddSeries(plot, determined.Select(s => ((double)s.Step, s.Frontier.Lambda)), "frontier λ_f", Colors.C0);
        AddSeries(plot, snapshots.Where(s => s.LambdaMax > 0 && double.IsFinite(s.LambdaMax)).Select(s => ((double)s.Step, s.LambdaMax)), "λ_max", Colors.C1);
        return Render(plot, legend: true);
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

    private static void AddSeries(Plot plot, IEnumerable<(double X, double Y)> points, string label, Color color)
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
    }

    private static byte[] Render(Plot plot, bool legend)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.Bottom.TickGenerator = LogTicks(limits.Right - limits.Left);
        plot.Axes.Left.TickGenerator = LogTicks(limits.Top - limits.Bottom);
        if (legend)
        {
            plot.ShowLegend(Alignment.UpperRight);
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
