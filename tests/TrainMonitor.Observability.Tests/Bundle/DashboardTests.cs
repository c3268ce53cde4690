using System.Reflection;
using System.Text.Json;
using TrainMonitor.Prometheus;
using TrainMonitor.Regimes;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>The Grafana dashboard's structure: templated on run, every exported metric shown, the panels the bundle promises.</summary>
public sealed class DashboardTests
{
    private const string BandPanelTitle = "Frontier λ_f with certified interval, fit cutoff and spectral position";

    private readonly GrafanaDashboard _dashboard = GrafanaDashboard.Load();

    [Fact]
    public void EveryQueryIsTemplatedOnTheRunAndRunIdVariablesAndUsesTheDatasourceVariable()
    {
        Assert.NotEmpty(_dashboard.Targets);
        Assert.All(_dashboard.Targets, t => Assert.DoesNotMatch(@"\{(?!run=""\$run"", run_id=~""\$run_id"")", t.Expression));
        Assert.All(_dashboard.Targets, t => Assert.Contains("run=\"$run\", run_id=~\"$run_id\"", t.Expression, StringComparison.Ordinal));
        Assert.All(_dashboard.Panels, p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        var run = Assert.Single(_dashboard.Variables, v => v.GetProperty("name").GetString() == "run");
        Assert.Equal($"label_values({PrometheusMetricNames.TrainingStep}, {PrometheusMetricNames.RunLabel})", run.GetProperty("definition").GetString());
        Assert.Single(_dashboard.Variables, v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");
    }

    [Fact]
    public void TheRunIdVariableListsTheChosenRunsSessionsAndDefaultsToAllOfThem()
    {
        var runId = Assert.Single(_dashboard.Variables, v => v.GetProperty("name").GetString() == PrometheusMetricNames.RunIdLabel);
        Assert.Equal($"label_values({PrometheusMetricNames.TrainingStep}{{run=\"$run\"}}, {PrometheusMetricNames.RunIdLabel})", runId.GetProperty("definition").GetString());
        Assert.True(runId.GetProperty("includeAll").GetBoolean());
        Assert.True(runId.GetProperty("multi").GetBoolean());
        Assert.Equal(".*", runId.GetProperty("allValue").GetString());
        Assert.Equal("$__all", runId.GetProperty("current").GetProperty("value")[0].GetString());
        var names = _dashboard.Variables.Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.True(names.IndexOf("run") < names.IndexOf("run_id"), "run_id is chained on run, so it must come after it");
    }

    [Fact]
    public void NoPanelSplitsARunByRunId()
    {
        // Every series selector sits inside an aggregation by run (or by le for the histogram): a run's sessions one after
        // another draw one line, not one per session. The live tests check the same on a real Prometheus.
        Assert.All(_dashboard.Targets, t => Assert.Matches(@"^(log10\(|histogram_quantile\(0\.9, |\d+ \* |60 \* )?(max|sum) ?(by \((run|le)[^)]*\) )?\(", t.Expression));
        Assert.All(_dashboard.Targets, t => Assert.DoesNotContain("by (run_id", t.Expression, StringComparison.Ordinal));
        Assert.All(_dashboard.Targets, t => Assert.DoesNotContain(", run_id)", t.Expression, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryMetricTheExporterDefinesIsShownOnTheDashboard()
    {
        var metricNames = typeof(PrometheusMetricNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(PrometheusMetricNames.Prefix) && !f.Name.EndsWith("Label", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        Assert.Equal(33, metricNames.Length);
        var expressions = string.Join("\n", _dashboard.Targets.Select(t => t.Expression));
        Assert.All(metricNames, name => Assert.Matches($@"\b{name}(_bucket|_sum|_count)?\{{", expressions));
    }

    [Theory]
    [InlineData("heatmap", "shell_energy")]
    [InlineData("heatmap", "shell_occupancy")]
    [InlineData("heatmap", "shell_flux")]
    [InlineData("heatmap", "shell_dissipation")]
    [InlineData("xychart", "frontier_lambda")]
    [InlineData("timeseries", "frontier_lambda")]
    [InlineData("timeseries", "frontier_fit_lambda")]
    [InlineData("stat", "frontier_outlier_energy")]
    [InlineData("stat", "frontier_energy_fraction")]
    [InlineData("state-timeline", "regime")]
    [InlineData("timeseries", "kernel_distance")]
    [InlineData("timeseries", "kernel_velocity")]
    [InlineData("timeseries", "output_change")]
    [InlineData("timeseries", "probe_loss")]
    [InlineData("timeseries", "training_loss")]
    [InlineData("timeseries", "stability_margin")]
    [InlineData("timeseries", "measured_loss_exponent")]
    [InlineData("timeseries", "predicted_loss_exponent")]
    [InlineData("timeseries", "probe_duration_seconds_bucket")]
    [InlineData("timeseries", "overhead_ratio")]
    public void APanelOfTheExpectedKindShowsTheQuantity(string panelType, string metric)
    {
        Assert.Contains(_dashboard.Targets, t => t.PanelType == panelType && t.Expression.Contains(PrometheusMetricNames.Prefix + metric + "{", StringComparison.Ordinal));
    }

    [Fact]
    public void FrontierAgainstStepUsesLogarithmicAxesAndTheStepAsX()
    {
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("type").GetString() == "xychart");
        var custom = panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("custom");
        Assert.Equal("log", custom.GetProperty("scaleDistribution").GetProperty("type").GetString());
        var series = Assert.Single(panel.GetProperty("options").GetProperty("series").EnumerateArray());
        Assert.Equal("step", series.GetProperty("x").GetString());
        Assert.Equal("frontier", series.GetProperty("y").GetString());
        var legends = panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("legendFormat").GetString()!).ToArray();
        Assert.Equal<string>(["step", "frontier"], legends);
    }

    [Fact]
    public void EveryFrontierLambdaQuerySelectsABound_AndOnlyTheBandPanelShowsTheEnds()
    {
        // frontier_lambda has three series per run (bound label): a query without a bound would draw or divide all three.
        var frontier = _dashboard.Targets.Where(t => t.Expression.Contains("trainmonitor_frontier_lambda{", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(frontier);
        Assert.All(frontier, t => Assert.Matches(@"trainmonitor_frontier_lambda\{run=""\$run"", run_id=~""\$run_id"", bound=""(estimate|lower|upper)""\}", t.Expression));
        Assert.All(frontier.Where(t => !t.Expression.Contains("bound=\"estimate\"", StringComparison.Ordinal)),
            t => Assert.Equal(BandPanelTitle, t.PanelTitle));
    }

    [Fact]
    public void FrontierBandPanelShadesTheCertifiedIntervalAndDashesTheFitCutoff()
    {
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("title").GetString() == BandPanelTitle);
        Assert.Equal("timeseries", panel.GetProperty("type").GetString());
        var legends = panel.GetProperty("targets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("legendFormat").GetString()!, t => t.GetProperty("expr").GetString()!);
        Assert.Equal("max by (run) (trainmonitor_frontier_lambda{run=\"$run\", run_id=~\"$run_id\", bound=\"estimate\"})", legends["frontier λ_f"]);
        Assert.Equal("max by (run) (trainmonitor_frontier_lambda{run=\"$run\", run_id=~\"$run_id\", bound=\"lower\"})", legends["λ_f lower"]);
        // A missing certified upper end is +Inf: dropped, so the band has a gap instead of reaching the top of the log axis.
        Assert.Equal("max by (run) (trainmonitor_frontier_lambda{run=\"$run\", run_id=~\"$run_id\", bound=\"upper\"}) < +Inf", legends["λ_f upper"]);
        Assert.Equal("max by (run) (trainmonitor_frontier_fit_lambda{run=\"$run\", run_id=~\"$run_id\"})", legends["fit cutoff λ_fit"]);

        var overrides = panel.GetProperty("fieldConfig").GetProperty("overrides").EnumerateArray()
            .ToDictionary(o => o.GetProperty("matcher").GetProperty("options").GetString()!, o => o.GetProperty("properties").EnumerateArray().ToArray());
        var fill = Assert.Single(overrides["λ_f upper"], p => p.GetProperty("id").GetString() == "fillBelowTo");
        Assert.Equal("λ_f lower", fill.GetProperty("value").GetString());
        var dash = Assert.Single(overrides["fit cutoff λ_fit"], p => p.GetProperty("id").GetString() == "custom.lineStyle");
        Assert.Equal("dash", dash.GetProperty("value").GetProperty("fill").GetString());
        Assert.Equal("log", panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("custom").GetProperty("scaleDistribution").GetProperty("type").GetString());
    }

    [Fact]
    public void TheHeldOutLossIsDrawnAgainstTheTrainingLossInOnePanelOnALogAxis()
    {
        // Side by side the two losses show the generalization gap the tracker calls overfitting; apart they would not.
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("title").GetString() == "Held-out loss (probe) vs training loss");
        Assert.Equal("timeseries", panel.GetProperty("type").GetString());
        var legends = panel.GetProperty("targets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("legendFormat").GetString()!, t => t.GetProperty("expr").GetString()!);
        Assert.Equal($"max by (run) ({PrometheusMetricNames.ProbeLoss}{{run=\"$run\", run_id=~\"$run_id\"}})", legends["held-out loss (probe)"]);
        Assert.Equal($"max by (run) ({PrometheusMetricNames.TrainingLoss}{{run=\"$run\", run_id=~\"$run_id\"}})", legends["training loss (mean since previous probe)"]);
        Assert.Equal("log", panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("custom").GetProperty("scaleDistribution").GetProperty("type").GetString());
        Assert.Contains("overfitting", panel.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OutlierEnergyShareIsTheFitsOutlierEnergyOverTheErrorEnergy_AsAPercentage()
    {
        var share = Assert.Single(_dashboard.Targets, t => t.Expression.Contains("trainmonitor_frontier_outlier_energy{", StringComparison.Ordinal));
        Assert.Equal("stat", share.PanelType);
        Assert.Equal("max by (run) (trainmonitor_frontier_outlier_energy{run=\"$run\", run_id=~\"$run_id\"} / trainmonitor_error_energy{run=\"$run\", run_id=~\"$run_id\"})", share.Expression);
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("title").GetString() == share.PanelTitle);
        Assert.Equal("percentunit", panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString());
    }

    [Theory]
    [InlineData("state-timeline")]
    [InlineData("stat")]
    public void RegimeCodesMapToEveryRegimeName(string panelType)
    {
        // The regime panels (the timeline and the current-regime stat) turn the state set into one code per run; the value
        // mappings must name every regime once, each with a colour, and no two regimes may share a code or a colour.
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("type").GetString() == panelType
            && p.GetProperty("targets").EnumerateArray().Any(t => t.GetProperty("expr").GetString()!.Contains("trainmonitor_regime{", StringComparison.Ordinal)));
        var mapped = panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("mappings").EnumerateArray()
            .SelectMany(m => m.GetProperty("options").EnumerateObject().Select(o =>
                (Code: o.Name, Name: o.Value.GetProperty("text").GetString()!, Colour: o.Value.GetProperty("color").GetString()!)))
            .ToArray();
        var expression = panel.GetProperty("targets")[0].GetProperty("expr").GetString()!;
        foreach (var regime in Regimes.TrainingRegimeNames.All.Select(r => Regimes.TrainingRegimeNames.ToWireName(r)))
        {
            var code = Assert.Single(mapped, m => m.Name == regime).Code;
            Assert.Contains($"{code} * sum by (run) (trainmonitor_regime{{run=\"$run\", run_id=~\"$run_id\", regime=\"{regime}\"}})", expression, StringComparison.Ordinal);
        }

        Assert.Equal(Regimes.TrainingRegimeNames.All.Count, mapped.Length);
        Assert.Equal(mapped.Length, mapped.Select(m => m.Code).Distinct().Count());
        Assert.Equal(mapped.Length, mapped.Select(m => m.Colour).Distinct().Count());
    }

    [Fact]
    public void TheTwoRegimePanelsAgreeOnCodesNamesAndColours()
    {
        var regimePanels = _dashboard.Panels
            .Where(p => p.GetProperty("targets").EnumerateArray().Any(t => t.GetProperty("expr").GetString()!.Contains("trainmonitor_regime{", StringComparison.Ordinal)))
            .ToArray();
        Assert.Equal(2, regimePanels.Length);
        var (a, b) = (regimePanels[0], regimePanels[1]);
        Assert.Equal(a.GetProperty("targets")[0].GetProperty("expr").GetString(), b.GetProperty("targets")[0].GetProperty("expr").GetString());
        Assert.Equal(a.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("mappings").GetRawText(),
            b.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("mappings").GetRawText());
    }

    [Fact]
    public void PanelIdsAreUniqueAndPanelsDoNotOverlap()
    {
        var all = _dashboard.Root.GetProperty("panels").EnumerateArray().ToArray();
        Assert.Equal(all.Length, all.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var boxes = all.Select(p => p.GetProperty("gridPos")).Select(g => (X: g.GetProperty("x").GetInt32(), Y: g.GetProperty("y").GetInt32(), W: g.GetProperty("w").GetInt32(), H: g.GetProperty("h").GetInt32())).ToArray();
        Assert.All(boxes, b => Assert.True(b.X + b.W <= 24, "a panel is wider than the 24-column grid"));
        for (var i = 0; i < boxes.Length; i++)
        {
            for (var j = i + 1; j < boxes.Length; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                var overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"panels {i} and {j} overlap");
            }
        }
    }

    [Fact]
    public void TheProvisionedDashboardFileIsTheOneTheComposeGrafanaLoads()
    {
        Assert.Equal("trainmonitor-run", _dashboard.Root.GetProperty("uid").GetString());
        Assert.Equal(JsonValueKind.Array, _dashboard.Root.GetProperty("panels").ValueKind);
        Assert.Contains("/var/lib/grafana/dashboards/trainmonitor.json", File.ReadAllText(ObservabilityBundle.ComposePath), StringComparison.Ordinal);
    }
}
