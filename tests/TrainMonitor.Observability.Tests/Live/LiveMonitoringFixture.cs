using System.Diagnostics;
using System.Globalization;
using Prometheus;
using TrainMonitor.Observability.Tests.Bundle;
using TrainMonitor.Observability.Tests.PrometheusServer;
using TrainMonitor.Observability.Tests.Training;
using TrainMonitor.Prometheus;
using TrainMonitor.Regimes;

namespace TrainMonitor.Observability.Tests.Live;

/// <summary>
/// Two real monitored training runs exporting through one <see cref="PrometheusSink"/> and a
/// <see cref="TrainMonitorMetricServer"/> on a free loopback port, scraped every second by a real Prometheus that
/// evaluates the shipped alert rules every second (with their <c>for</c> durations shortened to
/// <see cref="ShortFor"/>). Training proceeds in phases, and after each phase the fixture waits until Prometheus has
/// scraped it, so the stored series follow the runs through several probes rather than only their end state.
/// </summary>
/// <remarks>
/// When the prometheus binary is missing nothing is started; every test then calls
/// <see cref="PrometheusBinaries.Require"/>, which fails with the fix, or skips under the opt-out variable.
/// </remarks>
public sealed class LiveMonitoringFixture : IAsyncLifetime
{
    public const string LazyRun = "lazy-stalled";
    public const string FeatureRun = "feature-learning";

    /// <summary>The <c>for</c> of every rule in the live test: three evaluation intervals.</summary>
    public const string ShortFor = "3s";

    private static readonly long[] LazyPhases = [10, 30, 100, 250, 500, 1000];
    private static readonly long[] FeaturePhases = [6, 10, 15, 25, 35, 50];

    private TrainMonitorMetricServer? _metricServer;

    internal RunningPrometheus? Prometheus { get; private set; }

    internal MonitoredRun? Lazy { get; private set; }

    internal MonitoredRun? Feature { get; private set; }

    /// <summary>Wall-clock start of training (before the first scrape of any trainmonitor series).</summary>
    public DateTimeOffset TrainingStarted { get; private set; }

    /// <summary>
    /// Thresholds pinned for these runs (the values of the defaults when the test was written), so that a re-tuning of
    /// the defaults does not change what the runs are. The tests still check the regime the monitor reports.
    /// </summary>
    public static RegimeThresholds PinnedThresholds => new()
    {
        MinimumProbes = 3,
        Window = 4,
        KernelVelocityThreshold = 0.02,
        FrontierStallVelocity = 0.1,
        EnergyStallExponent = 0.1,
        StagnationProbes = 3,
        EnergyGrowthTolerance = 0.05,
        StabilityMarginLimit = 2.0,

        // Written before the window kept probes apart in ln t: these runs probe every factor 1.25 (0.22 apart) and reach
        // lazy_stagnant within their 1000 steps only with every probe in the window.
        MinimumLogSpacing = 0,
    };

    public async Task InitializeAsync()
    {
        if (PrometheusBinaries.Find("prometheus") is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;

        // Tiny models: one intra-op thread avoids thread hand-off costs that dominate at this size (the test process only).
        TorchSharp.torch.set_num_threads(1);
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var metricsPort = FreePort.Next();
        _metricServer = TrainMonitorMetricServer.Start(registry, metricsPort);
        Lazy = MonitoredRun.LazyStalled(LazyRun, sink, PinnedThresholds);
        Feature = MonitoredRun.FeatureLearning(FeatureRun, sink, PinnedThresholds);

        var configuration = string.Create(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - alerts.yml
            scrape_configs:
              - job_name: {ObservabilityBundle.JobName}
                static_configs:
                  - targets: ["127.0.0.1:{metricsPort}"]
            """);
        Prometheus = await RunningPrometheus.StartAsync(
            configuration, new Dictionary<string, string> { ["alerts.yml"] = ObservabilityBundle.RulesWithForDuration(ShortFor) }, ct);

        await WaitForAsync($"up{{job=\"{ObservabilityBundle.JobName}\"}} == 1", _ => true, "the metrics endpoint to be scraped", ct);
        TrainingStarted = DateTimeOffset.UtcNow;
        for (var phase = 0; phase < LazyPhases.Length; phase++)
        {
            Lazy.TrainTo(LazyPhases[phase]);
            Feature.TrainTo(FeaturePhases[phase]);
            await Lazy.Monitor.FlushAsync(ct);
            await Feature.Monitor.FlushAsync(ct);
            await WaitUntilScrapedAsync(Lazy, ct);
            await WaitUntilScrapedAsync(Feature, ct);
        }
    }

    public async Task DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (_metricServer is not null)
        {
            await _metricServer.DisposeAsync();
        }

        if (Lazy is not null)
        {
            await Lazy.DisposeAsync();
        }

        if (Feature is not null)
        {
            await Feature.DisposeAsync();
        }
    }

    /// <summary>Polls an instant query until <paramref name="accept"/> holds for its result; throws with the Prometheus log after 20 s.</summary>
    internal async Task<IReadOnlyList<PromSeries>> WaitForAsync(string query, Func<IReadOnlyList<PromSeries>, bool> accept, string what, CancellationToken ct)
    {
        var prometheus = Prometheus ?? throw new InvalidOperationException("Prometheus is not running.");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await prometheus.Api.QueryAsync(query, ct);
            if (result.Count > 0 && accept(result))
            {
                return result;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"Waited 20 s for {what} ({query} = [{string.Join("; ", result)}]). Prometheus log:{Environment.NewLine}{prometheus.RecentLog}");
            }

            await Task.Delay(200, ct);
        }
    }

    private Task WaitUntilScrapedAsync(MonitoredRun run, CancellationToken ct)
    {
        var probes = run.Monitor.Status.ProbesTotal;
        return WaitForAsync(
            $"trainmonitor_probes_total{{run=\"{run.Name}\"}}",
            r => r[0].Samples[^1].Value >= probes,
            $"a scrape of run {run.Name} after {probes} probes",
            ct);
    }
}
