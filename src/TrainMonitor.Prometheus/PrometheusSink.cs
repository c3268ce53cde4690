using System.Collections.Immutable;
using System.Globalization;
using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;

namespace TrainMonitor.Prometheus;

/// <summary>
/// A monitor sink that exports every probe of one or more runs as <c>trainmonitor_*</c> metrics on a prometheus-net
/// <see cref="CollectorRegistry"/> (names in <see cref="PrometheusMetricNames"/>, DESIGN §3.2). Every series carries
/// the <c>run</c> label, so several runs can share one sink and one registry.
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
    private static readonly string[] BoundNames = ["estimate", "lower", "upper"];

    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<ShellKey>> _shellsByRun = new(StringComparer.Ordinal);
    private ImmutableList<Func<MonitorStatus>> _statusProviders = ImmutableList<Func<MonitorStatus>>.Empty;

    private readonly PrometheusInstruments _instruments;

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
        var assessment = snapshot.Assessment;
        var frontier = snapshot.Frontier;

        lock (_gate)
        {
            _instruments.ErrorEnergy.WithLabels(run).Set(snapshot.ErrorEnergy);
            _instruments.NullEnergy.WithLabels(run).Set(snapshot.NullEnergy);
            // The interval of an undetermined frontier means nothing even if a reader filled it in: all three are unknown.
            var determined = frontier.IsDetermined;
            SetBounds(
                _instruments.FrontierLambda,
                [run],
                determined ? frontier.Lambda : double.NaN,
                determined ? frontier.LambdaLower : double.NaN,
                determined ? frontier.LambdaUpper : double.NaN);
            _instruments.FrontierEnergyFraction.WithLabels(run).Set(frontier.EnergyFraction);
            _instruments.FrontierFitLambda.WithLabels(run).Set(frontier.Fit.Lambda);
            _instruments.FrontierTailExponent.WithLabels(run).Set(frontier.Fit.TailExponent);
            _instruments.FrontierFitR2.WithLabels(run).Set(frontier.Fit.R2);
            _instruments.FrontierOutlierEnergy.WithLabels(run).Set(frontier.Fit.OutlierEnergy);
            _instruments.FrontierVelocity.WithLabels(run).Set(assessment.FrontierVelocity);
            _instruments.PredictedLossExponent.WithLabels(run).Set(assessment.PredictedLossExponent);
            _instruments.MeasuredLossExponent.WithLabels(run).Set(assessment.MeasuredLossExponent);
            _instruments.SpectralPosition.WithLabels(run).Set(snapshot.SpectralPosition);
            _instruments.LambdaMax.WithLabels(run).Set(snapshot.LambdaMax);
            _instruments.StabilityMargin.WithLabels(run).Set(assessment.StabilityMargin);
            _instruments.KernelDistance.WithLabels(run).Set(assessment.KernelDistance);
            _instruments.KernelVelocity.WithLabels(run).Set(assessment.KernelVelocity);

            foreach (var regime in TrainingRegimeNames.All)
            {
                _instruments.Regime.WithLabels(run, regime.ToWireName()).Set(regime == assessment.Regime ? 1 : 0);
            }

            UpdateShells(run, snapshot.Shells);

            // Fallbacks for runs without Track: a tracked status overwrites these on the next scrape.
            var step = _instruments.TrainingStep.WithLabels(run);
            if (!(step.Value >= snapshot.Step))
            {
                step.Set(snapshot.Step);
            }

            _instruments.OverheadRatio.WithLabels(run).Set(snapshot.OverheadRatio);

            if (double.IsFinite(snapshot.ProbeDurationSeconds) && snapshot.ProbeDurationSeconds >= 0)
            {
                _instruments.ProbeDuration.WithLabels(run).Observe(snapshot.ProbeDurationSeconds);
            }
        }
    }

    /// <summary>
    /// Removes every series of <paramref name="run"/> from the registry (for a host that runs many trainings one
    /// after another). Stop tracking the run's status first, or its status series come back on the next scrape.
    /// </summary>
    /// <param name="run">The run label value.</param>
    public void RemoveRun(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (_shellsByRun.Remove(run, out var shells))
            {
                foreach (var shell in shells)
                {
                    RemoveShell(run, shell);
                }
            }

            foreach (var regime in TrainingRegimeNames.All)
            {
                _instruments.Regime.RemoveLabelled(run, regime.ToWireName());
            }

            foreach (var bound in BoundNames)
            {
                _instruments.FrontierLambda.RemoveLabelled(run, bound);
            }

            foreach (var gauge in new[]
                     {
                         _instruments.ErrorEnergy, _instruments.NullEnergy, _instruments.FrontierEnergyFraction,
                         _instruments.FrontierFitLambda, _instruments.FrontierTailExponent, _instruments.FrontierFitR2,
                         _instruments.FrontierOutlierEnergy, _instruments.FrontierVelocity,
                         _instruments.PredictedLossExponent, _instruments.MeasuredLossExponent,
                         _instruments.SpectralPosition, _instruments.LambdaMax, _instruments.StabilityMargin,
                         _instruments.KernelDistance, _instruments.KernelVelocity, _instruments.TrainingStep,
                         _instruments.OverheadRatio,
                     })
            {
                gauge.RemoveLabelled(run);
            }

            _instruments.ProbesTotal.RemoveLabelled(run);
            _instruments.ProbeFailuresTotal.RemoveLabelled(run);
            _instruments.ProbesSkippedTotal.RemoveLabelled(run);
            _instruments.OperatorApplicationsTotal.RemoveLabelled(run);
            _instruments.ProbeDuration.RemoveLabelled(run);
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
                _instruments.ProbeFailuresTotal.WithLabels(failed.Run).IncTo(failed.FailuresTotal);
                break;
            case ProbeSkipped skipped:
                _instruments.ProbesSkippedTotal.WithLabels(skipped.Run).IncTo(skipped.SkippedTotal);
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

    private void UpdateShells(string run, IReadOnlyList<ShellSnapshot> shells)
    {
        var current = new HashSet<ShellKey>(shells.Count);
        foreach (var shell in shells)
        {
            var key = new ShellKey(
                shell.Index.ToString(CultureInfo.InvariantCulture),
                shell.LambdaLower.ToString("G6", CultureInfo.InvariantCulture));
            current.Add(key);
            SetBounds(_instruments.ShellEnergy, [run, key.Shell, key.LambdaLower], shell.Estimate, shell.Lower, shell.Upper);
            if (shell.Occupancy is { } occupancy)
            {
                _instruments.ShellOccupancy.WithLabels(run, key.Shell, key.LambdaLower).Set(occupancy);
            }
            else
            {
                // The same shell may have had a count at the previous probe; an unknown count must not keep the old one.
                _instruments.ShellOccupancy.RemoveLabelled(run, key.Shell, key.LambdaLower);
            }
        }

        // New series are set before stale ones go, so a concurrent scrape never sees the run without shells.
        if (_shellsByRun.TryGetValue(run, out var previous))
        {
            foreach (var stale in previous)
            {
                if (!current.Contains(stale))
                {
                    RemoveShell(run, stale);
                }
            }
        }

        _shellsByRun[run] = current;
    }

    private void RemoveShell(string run, ShellKey key)
    {
        foreach (var bound in BoundNames)
        {
            _instruments.ShellEnergy.RemoveLabelled(run, key.Shell, key.LambdaLower, bound);
        }

        _instruments.ShellOccupancy.RemoveLabelled(run, key.Shell, key.LambdaLower);
    }

    /// <summary>Sets the <c>estimate</c>, <c>lower</c> and <c>upper</c> series of <paramref name="gauge"/> under <paramref name="labels"/>.</summary>
    private static void SetBounds(Gauge gauge, string[] labels, double estimate, double lower, double upper)
    {
        gauge.WithLabels([.. labels, BoundNames[0]]).Set(estimate);
        gauge.WithLabels([.. labels, BoundNames[1]]).Set(lower);
        gauge.WithLabels([.. labels, BoundNames[2]]).Set(upper);
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

            var run = status.Run;
            _instruments.TrainingStep.WithLabels(run).Set(status.TrainingStep);
            _instruments.ProbesTotal.WithLabels(run).IncTo(status.ProbesTotal);
            _instruments.ProbeFailuresTotal.WithLabels(run).IncTo(status.ProbeFailuresTotal);
            _instruments.ProbesSkippedTotal.WithLabels(run).IncTo(status.ProbesSkippedTotal);
            _instruments.OperatorApplicationsTotal.WithLabels(run).IncTo(status.OperatorApplicationsTotal);
            _instruments.OverheadRatio.WithLabels(run).Set(status.OverheadRatio);
        }
    }

    private void Untrack(Func<MonitorStatus> status) =>
        ImmutableInterlocked.Update(ref _statusProviders, static (list, s) => list.Remove(s), status);

    private readonly record struct ShellKey(string Shell, string LambdaLower);

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
