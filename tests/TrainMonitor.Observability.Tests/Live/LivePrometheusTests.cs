using TrainMonitor.Observability.Tests.Bundle;
using TrainMonitor.Observability.Tests.PrometheusServer;
using TrainMonitor.Observability.Tests.Training;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;
using Xunit.Abstractions;

namespace TrainMonitor.Observability.Tests.Live;

/// <summary>
/// The bundle against a real Prometheus scraping real monitored training runs: the dashboard's queries return data,
/// the run variable lists the runs, the stored series are the monitor's figures, and the stagnation alert fires for
/// the run that stalls in the lazy regime and not for the one that learns features.
/// </summary>
[Collection(LiveMonitoringCollection.Name)]
public sealed class LivePrometheusTests(LiveMonitoringFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Runs = [LiveMonitoringFixture.LazyRun, LiveMonitoringFixture.FeatureRun];

    // Quantities that are NaN whenever the frontier fit (or the frontier) is undetermined, which for the fit on these
    // small networks is most probes (multimodal shell profiles); NaN is exported and stored, so their queries return
    // series of NaN.
    private static readonly string[] FrontierDerived =
        ["frontier_lambda", "frontier_fit_lambda", "frontier_tail_exponent", "frontier_fit_r2", "frontier_velocity", "predicted_loss_exponent"];

    [SkippableFact]
    public void TheRunsReportTheRegimesTheyWereBuiltFor()
    {
        var (lazy, feature) = Runs2();
        var lazyRegimes = lazy.Monitor.History.Select(s => s.Assessment.Regime).ToArray();
        output.WriteLine($"{lazy.Name}: {string.Join(" ", lazyRegimes.Select(r => r.ToWireName()))}");
        output.WriteLine($"{feature.Name}: {string.Join(" ", feature.Monitor.History.Select(s => s.Assessment.Regime.ToWireName()))}");
        // The kernel velocities beside the pinned threshold, so a reader sees how far each run is from it.
        foreach (var run in new[] { lazy, feature })
        {
            output.WriteLine($"{run.Name} kernel velocity by step: " +
                string.Join(" ", run.Monitor.History.Select(s => FormattableString.Invariant($"{s.Step}:{s.Assessment.KernelVelocity:G3}"))));
        }

        Assert.Equal(TrainingRegime.LazyStagnant, lazy.Monitor.Regime);
        Assert.Contains(TrainingRegime.LazyProgressing, lazyRegimes);
        Assert.True(Array.IndexOf(lazyRegimes, TrainingRegime.LazyProgressing) < Array.IndexOf(lazyRegimes, TrainingRegime.LazyStagnant));
        // Frozen hidden layer: the kernel is the same at every probe, exactly.
        Assert.All(lazy.Monitor.History.Skip(1), s => Assert.Equal(0.0, s.Assessment.KernelDistance));

        Assert.Equal(TrainingRegime.FeatureLearning, feature.Monitor.Regime);
        Assert.DoesNotContain(feature.Monitor.History, s => s.Assessment.Regime == TrainingRegime.LazyStagnant);
        Assert.All(feature.Monitor.History.Skip(1), s => Assert.True(s.Assessment.KernelDistance > 0));
        Assert.Equal(0, lazy.Monitor.Status.ProbeFailuresTotal + feature.Monitor.Status.ProbeFailuresTotal);
    }

    [SkippableFact]
    public async Task StagnationAlertFiresForTheLazyStalledRunAndNeverForTheFeatureLearningRun()
    {
        var (lazy, feature) = Runs2();
        // Preconditions on what the monitor itself reported (the alert can only be as right as the regime).
        Assert.Equal(TrainingRegime.LazyStagnant, lazy.Monitor.Regime);
        Assert.Equal(TrainingRegime.FeatureLearning, feature.Monitor.Regime);
        Assert.DoesNotContain(feature.Monitor.History, s => s.Assessment.Regime == TrainingRegime.LazyStagnant);

        var prometheus = fixture.Prometheus!;
        const string alert = "TrainMonitorLazyStagnant";
        await fixture.WaitForAsync(
            $"ALERTS{{alertname=\"{alert}\", alertstate=\"firing\"}}", _ => true, $"{alert} to fire", CancellationToken.None);

        var active = await prometheus.Api.AlertsAsync();
        var firing = Assert.Single(active, a => a.Label("alertname") == alert);
        Assert.Equal("firing", firing.State);
        Assert.Equal(lazy.Name, firing.Label("run"));
        Assert.Equal("warning", firing.Label("severity"));
        Assert.Equal(ObservabilityBundle.JobName, firing.Label("job"));
        Assert.Equal($"Run {lazy.Name} is stagnating in the lazy regime", firing.Annotations["summary"]);
        Assert.Equal("docs/observability.md#trainmonitorlazystagnant", firing.Annotations["runbook"]);

        // The rule was evaluated every second on the feature-learning run's series too, from its first scrape to
        // now (well past the 3 s `for`): it must never have been pending, let alone firing, for that run.
        var history = await prometheus.Api.QueryRangeAsync(
            $"ALERTS{{alertname=\"{alert}\"}}", fixture.TrainingStarted.AddSeconds(-5), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        Assert.NotEmpty(history);
        Assert.All(history, s => Assert.Equal(lazy.Name, s.Label("run")));
        var featureFirstSeen = await prometheus.Api.QueryRangeAsync(
            $"trainmonitor_regime{{run=\"{feature.Name}\", regime=\"feature_learning\"}} == 1",
            fixture.TrainingStarted, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        var featureLearningSeconds = featureFirstSeen.Single().Samples.Count;
        output.WriteLine($"feature_learning stored for {featureLearningSeconds} s of evaluations");
        Assert.True(featureLearningSeconds > 3, "the feature-learning run's regime must have been evaluated for longer than the rule's `for`");
    }

    [SkippableFact]
    public async Task EveryDashboardQueryReturnsDataForEachRun()
    {
        Runs2();
        var prometheus = fixture.Prometheus!;
        var dashboard = GrafanaDashboard.Load();
        var end = DateTimeOffset.UtcNow;
        var failures = new List<string>();
        foreach (var target in dashboard.Targets)
        {
            foreach (var run in Runs)
            {
                // $__rate_interval becomes 1m: longer than the whole test, so every rate window sees the run's probes.
                var query = GrafanaDashboard.Substitute(target.Expression, run, "1m");
                var result = await prometheus.Api.QueryRangeAsync(query, fixture.TrainingStarted.AddSeconds(-2), end, TimeSpan.FromSeconds(1));
                var finite = result.SelectMany(s => s.Samples).Count(s => double.IsFinite(s.Value));
                output.WriteLine($"{target} {run}: {result.Count} series, {finite} finite samples");
                if (result.Count == 0)
                {
                    failures.Add($"{target} for run {run} returned no series: {query}");
                }
                else if (result.Any(s => s.Labels.ContainsKey("run_id")))
                {
                    // Every series carries run_id; a panel aggregates it away, so a run's sessions draw one line.
                    failures.Add($"{target} for run {run} splits the run by run_id: {query}");
                }
                else if (finite == 0 && !FrontierDerived.Any(m => target.Expression.Contains("trainmonitor_" + m + "{", StringComparison.Ordinal)))
                {
                    failures.Add($"{target} for run {run} returned only non-finite values: {query}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [SkippableFact]
    public async Task RunVariableQueryListsBothRuns()
    {
        Runs2();
        var values = await fixture.Prometheus!.Api.LabelValuesAsync("run", "trainmonitor_training_step");
        Assert.Equal(Runs.Order(StringComparer.Ordinal), values.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task StoredSeriesAreTheMonitorsLatestSnapshot()
    {
        var (lazy, feature) = Runs2();
        foreach (var run in new[] { lazy, feature })
        {
            var last = run.Monitor.History[^1];
            var expected = new Dictionary<string, double>
            {
                ["error_energy"] = last.ErrorEnergy,
                ["training_loss"] = last.TrainingLoss ?? double.NaN,
                ["probe_loss"] = last.ProbeLoss,
                ["null_energy"] = last.NullEnergy,
                ["lambda_max"] = last.LambdaMax,
                ["spectral_position"] = last.SpectralPosition,
                ["frontier_energy_fraction"] = last.Frontier.EnergyFraction,
                ["frontier_fit_lambda"] = last.Frontier.Fit.Lambda,
                ["frontier_outlier_energy"] = last.Frontier.Fit.OutlierEnergy,
                ["kernel_distance"] = last.Assessment.KernelDistance,
                ["kernel_velocity"] = last.Assessment.KernelVelocity,
                ["measured_loss_exponent"] = last.Assessment.MeasuredLossExponent,
                ["stability_margin"] = last.Assessment.StabilityMargin,
                ["training_step"] = run.Monitor.Status.TrainingStep,
                ["probes_total"] = run.Monitor.Status.ProbesTotal,
            };
            foreach (var (bound, value) in new[] { ("estimate", last.Frontier.Lambda), ("lower", last.Frontier.LambdaLower), ("upper", last.Frontier.LambdaUpper) })
            {
                expected[$"frontier_lambda{{bound=\"{bound}\"}}"] = value;
            }

            foreach (var (metric, value) in expected)
            {
                // "name{label=...}" adds that label to the run selector.
                var selector = metric.Contains('{', StringComparison.Ordinal)
                    ? metric.Replace("{", $"{{run=\"{run.Name}\", ", StringComparison.Ordinal)
                    : $"{metric}{{run=\"{run.Name}\"}}";
                var series = Assert.Single(await fixture.Prometheus!.Api.QueryAsync($"trainmonitor_{selector}"));
                Assert.Equal(run.Monitor.Status.RunId, series.Label("run_id"));
                var stored = series.Samples[0].Value;
                // The exposition format writes doubles in round-trip form, so the stored value is the same double.
                Assert.True(
                    stored.Equals(value),
                    $"{metric} of {run.Name}: Prometheus has {stored:R}, the monitor's last snapshot {value:R}");
            }

            var shells = await fixture.Prometheus!.Api.QueryAsync($"trainmonitor_shell_energy{{run=\"{run.Name}\", bound=\"estimate\"}}");
            Assert.Equal(last.Shells.Count, shells.Count);
            Assert.Equal(last.ErrorEnergy - last.NullEnergy, shells.Sum(s => s.Samples[0].Value), 1e-9 * last.ErrorEnergy);
        }
    }

    [SkippableFact]
    public async Task RegimeTimelineStoredInPrometheusFollowsTheMonitor()
    {
        var (lazy, feature) = Runs2();
        foreach (var run in new[] { lazy, feature })
        {
            // The last probe may change the regime just before the last scrape, after the last whole second of a range query
            // ending now: wait until the instant value is the monitor's, and end the range a step later.
            await fixture.WaitForAsync($"trainmonitor_regime{{run=\"{run.Name}\", regime=\"{run.Monitor.Regime.ToWireName()}\"}} == 1", _ => true,
                $"the final regime of {run.Name}", CancellationToken.None);
            var ones = await fixture.Prometheus!.Api.QueryRangeAsync(
                $"trainmonitor_regime{{run=\"{run.Name}\"}} == 1", fixture.TrainingStarted, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(1));
            var seen = ones.Select(s => TrainingRegimeNames.Parse(s.Label("regime"))).ToArray();
            Assert.All(seen, r => Assert.Contains(run.Monitor.History, s => s.Assessment.Regime == r));
            var latest = ones.MaxBy(s => s.Samples[^1].Time)!;
            Assert.Equal(run.Monitor.Regime.ToWireName(), latest.Label("regime"));
        }

        // The lazy run was scraped while still progressing (before its learning rate went to 0) and after it stalled.
        var lazyOnes = await fixture.Prometheus!.Api.QueryRangeAsync(
            $"trainmonitor_regime{{run=\"{lazy.Name}\"}} == 1", fixture.TrainingStarted, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        var progressing = Assert.Single(lazyOnes, s => s.Label("regime") == "lazy_progressing");
        var stagnant = Assert.Single(lazyOnes, s => s.Label("regime") == "lazy_stagnant");
        Assert.True(progressing.Samples[0].Time < stagnant.Samples[0].Time);
    }

    private (MonitoredRun Lazy, MonitoredRun Feature) Runs2()
    {
        PrometheusBinaries.Require("prometheus");
        return (fixture.Lazy ?? throw new InvalidOperationException("The lazy run was not started."),
            fixture.Feature ?? throw new InvalidOperationException("The feature-learning run was not started."));
    }
}
