using System.Globalization;
using ScottPlot;
using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>
/// The energy budget between probes: the net flux J across each shell edge as a heatmap over shells and probe intervals,
/// and the transport fraction against step with its certified band beside the kernel velocity.
/// </summary>
internal static class TransportPlot
{
    /// <summary>What a figure says when no probe carries a budget.</summary>
    public const string NoBudget = "no energy budget recorded (no learning rate passed to OnStep, or a file written before it existed)";

    /// <summary>
    /// J of one run: x is the probe interval by its index (each column one interval, labelled by its later step), y the
    /// shell by log λ of its lower edge, colour J on a diverging map centred on 0 with symmetric limits (red: energy moved
    /// up across the edge, blue: down). Intervals without a budget are blank.
    /// </summary>
    /// <remarks>
    /// The index, not the step: J is the energy that crossed an edge over the whole interval, not a rate, so every
    /// interval gets the same width whatever its length; on a step axis a schedule's long late intervals would dominate
    /// and a probe at step 0 would force a linear axis on which the early intervals are slivers.
    /// </remarks>
    public static Plot FluxHeatmap(RunSeries run)
    {
        var plot = FigureRenderer.NewPlot("Net energy flux J across shell edges", "probe interval (labelled by its later step)",
            "shell: lower edge λ");
        var grid = FluxGrid.Of(run.Snapshots);
        var ratio = run.Snapshots.Count > 0 ? run.Snapshots[^1].ShellRatio : 2;
        var decade = Math.Log10(ratio);
        var columns = grid.Steps.Count;
        if (grid.Rows > 0 && columns > 0 && decade > 0)
        {
            // Heatmap rows go top down; the grid's row 0 is the lowest shell.
            var intensities = new double[grid.Rows, columns];
            for (var r = 0; r < grid.Rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    intensities[grid.Rows - 1 - r, c] = grid.Flux[r, c];
                }
            }

            var heatmap = plot.Add.Heatmap(intensities);
            heatmap.Colormap = new ScottPlot.Colormaps.Balance();
            heatmap.ManualRange = new ScottPlot.Range(-grid.Limit, grid.Limit);
            heatmap.NaNCellColor = Colors.Transparent;
            heatmap.Rectangle = new CoordinateRect(-0.5, columns - 0.5, grid.LowestShell * decade, (grid.LowestShell + grid.Rows) * decade);
            var bar = plot.Add.ColorBar(heatmap);
            bar.Label = "J (+: energy moved up)";
            bar.LabelStyle.FontSize = 12;
        }

        var every = Math.Max(1, (int)Math.Ceiling(columns / 12.0));
        var ticks = Enumerable.Range(0, columns).Where(c => c % every == 0 || c == columns - 1).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(c => (double)c).ToArray(),
            ticks.Select(c => grid.Steps[c].ToString("N0", CultureInfo.InvariantCulture)).ToArray());
        AxisScale.Logarithmic.Apply(plot.Axes.Left);
        plot.Axes.AutoScale();
        if (columns > 0)
        {
            plot.Axes.SetLimitsX(-0.5, columns - 0.5);
        }

        if (grid.Rows == 0)
        {
            plot.Axes.SetLimitsY(-1, 1); // no cell to scale to: λ from 0.1 to 10, room for the note
        }

        AxisScale.Logarithmic.IncludeADecade(plot, vertical: true);
        plot.Grid.XAxisStyle.IsVisible = false;
        if (grid.Budgets == 0)
        {
            Note(plot, NoBudget);
        }

        return plot;
    }

    /// <summary>
    /// The transport fraction of each interval at its later step (estimate, certified band), on a linear left axis from
    /// 0, and the kernel velocity dashed on a logarithmic right axis: two views of the kernel moving, one from the energy
    /// budget and one from the kernel sketch.
    /// </summary>
    public static Plot TransportFraction(IReadOnlyList<RunSeries> series)
    {
        var plot = FigureRenderer.NewPlot("Transport fraction", "training step", "Σ|measured − frozen-kernel| / error energy");
        var stepScale = StepAxis.For(series);
        var single = series.Count == 1;
        var budgets = 0;
        var velocities = false;
        foreach (var run in series)
        {
            var snapshots = run.Snapshots;
            var xs = snapshots.Select(s => stepScale.ToPlot(s.Step)).ToArray();
            double Read(ProbeSnapshot s, Func<EnergyBudget.TransportBudget, double> value) => s.Transport is { } t ? value(t) : double.NaN;
            var lower = snapshots.Select(s => Read(s, t => t.TransportFractionLower)).ToArray();
            var upper = snapshots.Select(s => Read(s, t => t.TransportFractionUpper)).ToArray();
            IntervalBand.Add(plot, xs, lower, upper, run.Color.WithAlpha(0.2), single ? "certified interval" : $"{run.Label}: certified interval");
            budgets += SegmentedLine.Add(plot, xs, snapshots.Select(s => Read(s, t => t.TransportFraction)).ToArray(), run.Color,
                single ? "transport fraction" : $"{run.Label}: transport fraction", lineWidth: 2.5f, markerSize: 7);
            var velocity = snapshots.Select(s => AxisScale.Logarithmic.ToPlot(s.Assessment.KernelVelocity)).ToArray();
            velocities |= SegmentedLine.Add(plot, xs, velocity, single ? Colors.DarkViolet : run.Color.WithAlpha(0.6),
                single ? "kernel velocity (right axis)" : $"{run.Label}: kernel velocity (right axis)", LinePattern.Dashed, 1.5f, 3,
                plot.Axes.Right) > 0;
        }

        StepAxis.Apply(plot, stepScale);
        if (velocities)
        {
            AxisScale.Logarithmic.Apply(plot.Axes.Right);
            plot.Axes.Right.Label.Text = "kernel velocity (rad per e-fold of held-out loss)";
            plot.Axes.Right.Label.FontSize = 12;
        }

        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, budgets > 0 ? Math.Max(limits.Top, 0.05) : 1);
        stepScale.IncludeADecade(plot, vertical: false);
        if (budgets == 0)
        {
            Note(plot, NoBudget);
        }

        LegendPlacement.Beside.Show(plot);
        return plot;
    }

    private static void Note(Plot plot, string text)
    {
        var limits = plot.Axes.GetLimits();
        var note = plot.Add.Text(text, (limits.Left + limits.Right) / 2, (limits.Bottom + limits.Top) / 2);
        note.LabelFontSize = 14;
        note.LabelAlignment = Alignment.MiddleCenter;
        note.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
    }
}
