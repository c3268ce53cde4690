using ScottPlot;
using TrainMonitor.Outputs;
using TrainMonitor.Shells;

namespace TrainMonitor.Plots;

/// <summary>
/// Quantities against training step on log–log axes, one colour per run and one line pattern per quantity. Values that
/// cannot be drawn (NaN, or not positive on the log axis) are gaps.
/// </summary>
internal static class StepSeriesPlot
{
    private static readonly ScottPlot.Palettes.Category10 QuantityColors = new();

    /// <summary>A quantity to draw: its legend name, how to read it from a snapshot, and its line pattern.</summary>
    public sealed record Quantity(string Name, Func<ProbeSnapshot, double> Value, LinePattern Pattern);

    /// <summary>
    /// Tangent-kernel distance between successive probes and from the first probe, with the relative change of the outputs
    /// since the previous probe beside them: a kernel that stands still while the outputs move is lazy training, both
    /// standing still is a stall. Both are dimensionless ratios, so they share the logarithmic axis.
    /// </summary>
    public static Plot KernelDistance(IReadOnlyList<RunSeries> series) => Create(
        "Kernel distance and output change", "kernel distance (0 = same kernel), relative output change", series,
        [
            new Quantity("kernel distance from previous probe", s => s.Assessment.KernelDistance, LinePattern.Solid),
            new Quantity("kernel distance from first probe", s => s.Assessment.KernelDistanceFromFirst, LinePattern.Dashed),
            new Quantity("output change since previous probe", s => s.Assessment.OutputChange, LinePattern.Dotted),
        ]);

    /// <summary>
    /// Error energy, its part below the null floor, the training loss when the loop passed it and, right after it, the
    /// held-out loss on the probe set: the two losses side by side show the generalization gap (a held-out loss rising while
    /// the training loss falls is overfitting). Files written before the held-out loss existed draw no such line.
    /// </summary>
    public static Plot ErrorEnergy(IReadOnlyList<RunSeries> series, LegendPlacement? legendPlacement = null) => Create(
        "Error energy, training and held-out loss", "‖e‖²/n, loss", series,
        [
            new Quantity("error energy", s => s.ErrorEnergy, LinePattern.Solid),
            new Quantity("below null floor", s => s.NullEnergy, LinePattern.Dotted),
            new Quantity("training loss", s => s.TrainingLoss ?? double.NaN, LinePattern.Dashed),
            new Quantity("held-out loss (probe)", s => s.ProbeLoss, LinePattern.DenselyDashed),
        ], legendPlacement);

    /// <summary>Any set of quantities against step.</summary>
    public static Plot Create(string title, string yLabel, IReadOnlyList<RunSeries> series, IReadOnlyList<Quantity> quantities,
        LegendPlacement? legendPlacement = null)
    {
        var plot = FigureRenderer.NewPlot(title, "training step", yLabel);
        var stepScale = StepAxis.For(series);
        foreach (var run in series)
        {
            var xs = run.Snapshots.Select(s => stepScale.ToPlot(s.Step)).ToArray();
            for (var q = 0; q < quantities.Count; q++)
            {
                var quantity = quantities[q];
                // One run: a colour per quantity reads best. Several runs: a colour per run, a pattern per quantity.
                var color = series.Count == 1 ? QuantityColors.GetColor(q) : run.Color;
                var ys = run.Snapshots.Select(s => AxisScale.Logarithmic.ToPlot(quantity.Value(s))).ToArray();
                var legend = series.Count == 1 ? quantity.Name : $"{run.Label}: {quantity.Name}";
                SegmentedLine.Add(plot, xs, ys, color, ys.Any(double.IsFinite) ? legend : null, quantity.Pattern);
            }
        }

        StepAxis.Apply(plot, stepScale);
        AxisScale.Logarithmic.Apply(plot.Axes.Left);
        plot.Axes.AutoScale();
        AxisScale.Logarithmic.IncludeADecade(plot, vertical: true);
        stepScale.IncludeADecade(plot, vertical: false);
        (legendPlacement ?? LegendPlacement.Beside).Show(plot);
        return plot;
    }
}
