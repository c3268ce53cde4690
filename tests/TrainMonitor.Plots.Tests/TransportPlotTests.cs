using ScottPlot;
using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Plots.Tests;

public sealed class TransportPlotTests
{
    /// <summary>Probes at steps 10, 20, 40, 80, 160; every one but <paramref name="withoutBudget"/> (and the first) has a budget.</summary>
    private static ProbeSnapshot[] Run(params int[] withoutBudget) =>
        [.. new long[] { 10, 20, 40, 80, 160 }.Select((step, i) => Probe(step, i, i > 0 && !withoutBudget.Contains(i)))];

    // Three shells [1/4, 1/2), [1/2, 1), [1, 2): energy moved down out of the top shell, more in the later intervals.
    private static ProbeSnapshot Probe(long step, int probe, bool budget) => new()
    {
        Run = "plots",
        Step = step,
        Timestamp = DateTimeOffset.UnixEpoch,
        ProbeIndex = probe + 1,
        ErrorEnergy = 1,
        NullEnergy = 0,
        NullFloor = 1e-6,
        ShellRatio = 2,
        Shells = [],
        Frontier = new FrontierSnapshot(double.NaN, double.NaN, double.NaN, 0.5, "none", new FrontierFitSnapshot(double.NaN, double.NaN, double.NaN, double.NaN, 0, null, "none")),
        SpectralPosition = 1,
        LambdaMax = 2,
        Assessment = new RegimeAssessment { Regime = TrainingRegime.FeatureLearning, Reason = "plots", KernelVelocity = probe == 0 ? double.NaN : 1e-3 * probe },
        ProbeDurationSeconds = 0,
        OperatorApplications = 0,
        LanczosSteps = 8,
        ErrorEntries = 10,
        Transport = !budget ? null : new TransportBudget
        {
            FromStep = step / 2,
            ToStep = step,
            TransportFraction = 0.1 * probe,
            TransportFractionLower = 0.05 * probe,
            TransportFractionUpper = 0.2 * probe,
            MeasuredEnergy = 1,
            PredictedEnergy = 1,
            IsExact = false,
            Null = new NullTransport(1e-6, 0, 0, 0, 0, 0, 0, 0),
            Shells =
            [
                new ShellTransport(-2, 0.25, 0.5, 0, 0, 0, 0, 0.03 * probe, 0, 0, 0, 0, 0),
                new ShellTransport(-1, 0.5, 1, 0, 0, 0, 0, 0.02 * probe, 0, 0, -0.03 * probe, 0, 0),
                new ShellTransport(0, 1, 2, 0, 0, 0, 0, -0.05 * probe, 0, 0, -0.05 * probe, 0, 0),
            ],
        },
    };

    [Fact]
    public void Flux_grid_has_a_column_per_interval_and_leaves_intervals_without_a_budget_blank()
    {
        var grid = FluxGrid.Of(Run(withoutBudget: 2));

        Assert.Equal([20L, 40, 80, 160], grid.Steps);
        Assert.Equal(3, grid.Budgets);
        Assert.Equal(-2, grid.LowestShell);
        Assert.Equal(3, grid.Rows);
        Assert.Equal(-0.05, grid.Flux[2, 0], 12); // top shell, first interval
        Assert.Equal(0, grid.Flux[0, 0], 12);
        Assert.All(Enumerable.Range(0, 3), r => Assert.True(double.IsNaN(grid.Flux[r, 1])));
        Assert.Equal(0.2, grid.Limit, 12); // |J| of the top shell in the last interval: the colour limits are ±0.2
    }

    [Fact]
    public void Flux_grid_of_a_run_without_budgets_has_no_rows()
    {
        var grid = FluxGrid.Of(Run(withoutBudget: [1, 2, 3, 4]));

        Assert.Equal(0, grid.Budgets);
        Assert.Equal(0, grid.Rows);
        Assert.Equal(4, grid.Steps.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Both_figures_render_with_and_without_a_budget(bool budgets)
    {
        var snapshots = budgets ? Run(withoutBudget: 2) : Run(withoutBudget: [1, 2, 3, 4]);
        RunSeries[] series = [new RunSeries("plots", snapshots, RunPalette.Colors[0])];

        var heatmap = FigureRenderer.Png(TransportPlot.FluxHeatmap(series[0]), 1100, 460);
        var fraction = FigureRenderer.Png(TransportPlot.TransportFraction(series), 1100, 460);

        var directory = Path.Combine(Path.GetTempPath(), "trainmonitor-plots-tests");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, $"flux-heatmap-{budgets}.png"), heatmap);
        File.WriteAllBytes(Path.Combine(directory, $"transport-fraction-{budgets}.png"), fraction);
        Assert.True(heatmap.Length > 1000 && fraction.Length > 1000);
    }
}
