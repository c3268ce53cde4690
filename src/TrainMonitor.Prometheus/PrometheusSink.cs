using System.Collections.Immutable;
using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Regimes;
using TrainMonitor.Session;

namespace TrainMonitor.Prometheus;

/// <summary>
/// A monitor sink that exports every probe of one or more runs as <c>trainmonitor_*</c> metrics on a prometheus-net
/// <see cref="CollectorRegistry"/> (names in <see cref="PrometheusMetricNames"/>, DESIGN §3.2). Every series carries
/// the <c>run</c> label and the <c>run_id</c> label (the session's run id: <see cref="ProbeSnapshot.RunId"/>,
/// <see cref="MonitorStatus.RunId"/>), so several runs can share one sink and one registry, and two runs of one name — a
/// rerun scraped on the same port, two monitors in one process — are different series instead of one mixed series.
/// </summary>
/// <remarks>
/// <para>
/// Per-probe gauges are set when a <see cref="ProbeCompleted"/> event arrives. Quantities the monitor does not know
/// (no learning rate, too little history, undetermined frontier) are NaN in the snapshot and are exported as NaN
/// gauges; Prometheus stores NaN as a value, so a query sees "unknown" rather than a stale or invented number. Use
/// <c>metric == metric</c> in PromQL to drop NaN samples.
/// </para>
/// <para>
/// <c>trainmonitor_frontier_lambda{bound}</c> is the energy-quantile frontier: its estimate and certified interval,
/// all three NaN while the frontier is undetermined; the upper end may be <c>+Inf</c> (Lanczos found no certified
/// end), so a query that wants one number selects <c>bound="estimate"</c>. The amplitude–frontier fit is exported
/// under its own names (<c>frontier_fit_lambda</c>, <c>frontier_tail_exponent</c>, <c>frontier_fit_r2</c>,
/// <c>frontier_outlier_energy</c>).
/// </para>
/// <para>
/// The shell series <c>trainmonitor_shell_energy{shell,lambda_lower,bound}</c> and
/// <c>trainmonitor_shell_occupancy{shell,lambda_lower}</c> always describe the latest probe of a run: a shell absent
/// from the latest snapshot (or whose lower edge moved) has its series removed on that update. A shell whose occupancy
/// the snapshot does not know (read from a file that did not record it) has no occupancy series: a node count has no
/// NaN that would mean "unknown" to a reader summing shells. The <c>trainmonitor_regime</c> state set has one series per regime, 1 for the current regime and 0 for
/// the others, all present once a probe of the run completed.
/// </para>
/// <para>
/// Counters, <c>training_step</c> and <c>overhead_ratio</c> come from the live <see cref="MonitorStatus"/> of each
/// run registered with <see cref="Track"/>, read just before every collection, so a scrape between two probes sees
/// the current step. Without <see cref="Track"/>, <c>probe_failures_total</c> and <c>probes_skipped_total</c>
/// follow the totals carried by <see cref="ProbeFailed"/>/<see cref="ProbeSkipped"/>, <c>training_step</c> and
/// <c>overhead_ratio</c> follow the snapshots, and <c>probes_total</c>/<c>operator_applications_total</c> are not
/// exported.
/// </para>
/// <para>
/// Thread safety: <see cref="WriteAsync"/>, <see cref="Track"/> and <see cref="RemoveRun"/> may be called from any
/// thread, concurrently with scrapes. Use one sink per registry.
/// </para>
/// </remarks>
public sealed class PrometheusSink : IMonitorSink
{
    private readonly object _gate = new();
    private ImmutableList<Func<MonitorStatus>> _statusProviders = ImmutableList<Func<MonitorStatus>>.Empty;

    private readonly PrometheusInstruments _instruments;
    private readonly PrometheusShellSeries _shells;

    /// <summary>Creates a sink on <see cref="Metrics.DefaultRegistry"/>.</summary>
    public PrometheusSink()
        : this(Metrics.DefaultRegistry)
    {
    }

    /// <summary>Creates a sink whose metrics are registered on <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry a scrape reads, e.g. <see cref="Metrics.NewCustomRegistry"/> or the default one.</param>
    public PrometheusSink(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        _instruments = new PrometheusInstruments(registry);
        _shells = new PrometheusShellSeries(_instruments);
        registry.AddBeforeCollectCallback(ReadTrackedStatuses);
    }

    /// <summary>
    /// Upper bounds, in seconds, of the <c>trainmonitor_probe_duration_seconds</c> histogram buckets: from 10 ms
    /// (an exact Gram probe of a small model) to 10 min (a long Lanczos run on a large one).
    /// </summary>
    public static IReadOnlyList<double> ProbeDurationBuckets { get; } =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>The registry the metrics are registered on.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Registers the live status of a run: <paramref name="status"/> is called just before every collection of the
    /// registry (so on every scrape), and its counters, step and overhead ratio are exported under its
    /// <see cref="MonitorStatus.Run"/>. Call once per run; several runs may be tracked at once.
    /// </summary>
    /// <param name="status">Returns the run's current status; must be cheap and thread-safe. If it throws, that
    /// run's status metrics keep their previous values for this scrape and the scrape goes on.</param>
    /// <returns>A handle that stops reading <paramref name="status"/> when disposed (the last values stay exported
    /// until <see cref="RemoveRun"/>).</returns>
    public IDisposable Track(Func<MonitorStatus> status)
    {
        ArgumentNullException.ThrowIfNull(status);
        ImmutableInterlocked.Update(ref _statusProviders, static (list, s) => list.Add(s), status);
        return new TrackingHandle(this, status);
    }

    /// <summary>Updates the per-probe gauges and observes the duration histogram from one completed probe.</summary>
    /// <param name="snapshot">The probe.</param>
    public void Observe(ProbeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var run = snapshot.Run;
        var runId = PrometheusInstruments.RunIdValue(snapshot.RunId);

        lock (_gate)
        {
            foreach (var metric in PrometheusInstruments.Exported)
            {
                Observe(metric, run, runId, snapshot);
            }
        }
    }

    /// <summary>
    /// Removes every series of <paramref name="run"/> from the registry, under every run id it had (for a host that runs
    /// many trainings one after another). Stop tracking the run's status first, or its status series come back on the
    /// next scrape.
    /// </summary>
    /// <param name="run">The run label value.</param>
    public void RemoveRun(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            _shells.ForgetRun(run);
            _instruments.RemoveRun(run);
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(monitorEvent);
        switch (monitorEvent)
        {
            case ProbeCompleted completed:
                Observe(completed.Snapshot);
                break;
            case ProbeFailed failed:
                _instruments.ProbeFailuresTotal.WithLabels(failed.Run, PrometheusInstruments.RunIdValue(failed.RunId)).IncTo(failed.FailuresTotal);
                break;
            case ProbeSkipped skipped:
                _instruments.ProbesSkippedTotal.WithLabels(skipped.Run, PrometheusInstruments.RunIdValue(skipped.RunId)).IncTo(skipped.SkippedTotal);
                break;
            default:
                // RegimeChanged and future events: the regime state set follows the snapshots.
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to flush: the registry holds the current values and a scrape reads them.</summary>
    /// <param name="ct">Unused.</param>
    /// <returns>A completed task.</returns>
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>Sets the series of one exported row from <paramref name="snapshot"/>, as its kind says.</summary>
    private void Observe(MetricDefinition metric, string run, string runId, ProbeSnapshot snapshot)
    {
        switch (metric.Kind)
        {
            case MetricKind.Scalar when ReferenceEquals(metric, MetricTable.TrainingStep):
                // A fallback for runs without Track (a tracked status overwrites it on the next scrape); it never moves
                // the step back, since a status may already have reported a later one.
                var step = _instruments.Gauge(metric).WithLabels(run, runId);
                var value = metric.Value!(snapshot);
                if (!(step.Value >= value))
                {
                    step.Set(value);
                }

                break;
            case MetricKind.Scalar:
                // overhead_ratio too: the snapshot's is the fallback for runs without Track.
                _instruments.Gauge(metric).WithLabels(run, runId).Set(metric.Value!(snapshot));
                break;
            case MetricKind.Interval:
                PrometheusInstruments.SetBounds(_instruments.Gauge(metric), [run, runId], metric.Value!(snapshot), metric.Lower!(snapshot), metric.Upper!(snapshot));
                break;
            case MetricKind.RegimeStateSet:
                var current = snapshot.Assessment.Regime;
                foreach (var regime in TrainingRegimeNames.All)
                {
                    _instruments.Gauge(metric).WithLabels(run, runId, regime.ToWireName()).Set(regime == current ? 1 : 0);
                }

                break;
            case MetricKind.PerShell or MetricKind.PerShellInterval when ReferenceEquals(metric, PrometheusShellSeries.Metrics[0]):
                // The first per-shell row updates every per-shell row of the table, shell by shell.
                _shells.Update(run, runId, snapshot);
                break;
            case MetricKind.Histogram:
                var observation = metric.Value!(snapshot);
                if (double.IsFinite(observation) && observation >= 0)
                {
                    _instruments.Histogram(metric).WithLabels(run, runId).Observe(observation);
                }

                break;
            default:
                // Counters follow the live status (or the failure and skip events); per-shell rows go with UpdateShells.
                break;
        }
    }

    private void ReadTrackedStatuses()
    {
        foreach (var provider in _statusProviders)
        {
            MonitorStatus? status;
            try
            {
                status = provider();
            }
            catch (Exception)
            {
                // A broken status provider must not fail the scrape of every other metric.
                continue;
            }

            if (status is null)
            {
                continue;
            }

            string[] labels = [status.Run, PrometheusInstruments.RunIdValue(status.RunId)];
            _instruments.TrainingStep.WithLabels(labels).Set(status.TrainingStep);
            _instruments.ProbesTotal.WithLabels(labels).IncTo(status.ProbesTotal);
            _instruments.ProbeFailuresTotal.WithLabels(labels).IncTo(status.ProbeFailuresTotal);
            _instruments.ProbesSkippedTotal.WithLabels(labels).IncTo(status.ProbesSkippedTotal);
            _instruments.ProbesPostponedTotal.WithLabels(labels).IncTo(status.ProbesPostponedTotal);
            _instruments.OperatorApplicationsTotal.WithLabels(labels).IncTo(status.OperatorApplicationsTotal);
            _instruments.OverheadRatio.WithLabels(labels).Set(status.OverheadRatio);
        }
    }

    private void Untrack(Func<MonitorStatus> status) =>
        ImmutableInterlocked.Update(ref _statusProviders, static (list, s) => list.Remove(s), status);

    private sealed class TrackingHandle(PrometheusSink sink, Func<MonitorStatus> status) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                sink.Untrack(status);
            }
        }
    }
}
