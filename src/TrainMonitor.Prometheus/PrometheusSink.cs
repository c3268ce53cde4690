using System.Collections.Immutable;
using System.Globalization;
using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using static TrainMonitor.Prometheus.PrometheusMetricNames;

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

    private readonly Gauge _shellEnergy;
    private readonly Gauge _shellOccupancy;
    private readonly Gauge _errorEnergy;
    private readonly Gauge _nullEnergy;
    private readonly Gauge _frontierLambda;
    private readonly Gauge _frontierEnergyFraction;
    private readonly Gauge _frontierFitLambda;
    private readonly Gauge _frontierTailExponent;
    private readonly Gauge _frontierFitR2;
    private readonly Gauge _frontierOutlierEnergy;
    private readonly Gauge _frontierVelocity;
    private readonly Gauge _predictedLossExponent;
    private readonly Gauge _measuredLossExponent;
    private readonly Gauge _spectralPosition;
    private readonly Gauge _lambdaMax;
    private readonly Gauge _stabilityMargin;
    private readonly Gauge _kernelDistance;
    private readonly Gauge _kernelVelocity;
    private readonly Gauge _regime;
    private readonly Gauge _trainingStep;
    private readonly Counter _probesTotal;
    private readonly Counter _probeFailuresTotal;
    private readonly Counter _probesSkippedTotal;
    private readonly Histogram _probeDuration;
    private readonly Counter _operatorApplicationsTotal;
    private readonly Gauge _overheadRatio;

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
        var factory = Metrics.WithCustomRegistry(registry);

        Gauge RunGauge(string name, string help) => factory.CreateGauge(name, help, RunLabel);

        _shellEnergy = factory.CreateGauge(
            ShellEnergy,
            "Error energy in one eigenvalue shell [lambda_lower, q*lambda_lower) of the latest probe: Gauss quadrature "
            + "estimate and certified lower/upper bounds (bound label); same unit as error_energy (squared error per entry).",
            RunLabel, ShellLabel, LambdaLowerLabel, BoundLabel);
        _shellOccupancy = factory.CreateGauge(
            ShellOccupancy,
            "Quadrature nodes (eigenvalues on the exact paths, Ritz values under Lanczos) in one eigenvalue shell "
            + "[lambda_lower, q*lambda_lower) of the latest probe, over all batches (count).",
            RunLabel, ShellLabel, LambdaLowerLabel);
        _errorEnergy = RunGauge(ErrorEnergy, "Error energy |e|^2/n on the probe set at the latest probe (squared error per entry; NaN if unknown).");
        _nullEnergy = RunGauge(NullEnergy, "Error energy below the null floor, which the current kernel cannot move (squared error per entry).");
        _frontierLambda = factory.CreateGauge(
            FrontierLambda,
            "Energy-quantile frontier lambda_f(p): the eigenvalue above which a fraction p (frontier_energy_fraction) of the "
            + "non-null error energy lies, as the quadrature estimate and its certified lower/upper ends (bound label; upper "
            + "may be +Inf under Lanczos; eigenvalue of M = J J^T / n; NaN when undetermined).",
            RunLabel, BoundLabel);
        _frontierEnergyFraction = RunGauge(FrontierEnergyFraction, "Fraction p of the non-null error energy that lies above the frontier lambda_f(p) (dimensionless, in (0, 1)).");
        _frontierFitLambda = RunGauge(FrontierFitLambda, "Cutoff lambda_fit of the amplitude-frontier fit ln E = a + s ln lambda - lambda/lambda_fit of the shell profile (eigenvalue units; NaN when the fit is undetermined).");
        _frontierTailExponent = RunGauge(FrontierTailExponent, "Tail exponent s of the amplitude-frontier fit of the shell energy profile (dimensionless; NaN when undetermined).");
        _frontierFitR2 = RunGauge(FrontierFitR2, "Coefficient of determination R^2 of the amplitude-frontier fit (dimensionless, at most 1; NaN when no fit was made).");
        _frontierOutlierEnergy = RunGauge(FrontierOutlierEnergy, "Error energy of the sparse top shells the amplitude-frontier fit left out; same unit as error_energy (squared error per entry; NaN if unknown).");
        _frontierVelocity = RunGauge(FrontierVelocity, "Frontier velocity c = -d ln lambda_f / d ln t over recent probes (dimensionless; 1 in the lazy linear case; NaN with too little history).");
        _predictedLossExponent = RunGauge(PredictedLossExponent, "Predicted error-energy exponent gamma = c*s, E_total ~ t^-gamma (dimensionless; NaN with too little history).");
        _measuredLossExponent = RunGauge(MeasuredLossExponent, "Measured error-energy exponent: -slope of ln E_total against ln t over recent probes (dimensionless; NaN with too little history).");
        _spectralPosition = RunGauge(SpectralPosition, "Spectral position alpha_1 = e^T M e / e^T e: energy-weighted mean eigenvalue of the error (eigenvalue units).");
        _lambdaMax = RunGauge(LambdaMax, "Largest eigenvalue of the error operator M seen by the latest probe (eigenvalue units).");
        _stabilityMargin = RunGauge(StabilityMargin, "Stability margin eta*lambda_max (dimensionless; gradient descent on squared error diverges above 2; NaN when the learning rate is unknown).");
        _kernelDistance = RunGauge(KernelDistance, "Kernel distance S between the latest probe and the previous one (dimensionless, 0 = same kernel; NaN for the first probe or without sketch).");
        _kernelVelocity = RunGauge(KernelVelocity, "Kernel velocity: kernel distance S per unit of ln t over recent probes (per unit ln step; NaN with too little history).");
        _regime = factory.CreateGauge(
            Regime,
            "Training regime at the latest probe as a state set: 1 for the current regime, 0 for the others (regime label: "
            + string.Join(", ", TrainingRegimeNames.All.Select(r => r.ToWireName())) + ").",
            RunLabel, RegimeLabel);
        _trainingStep = RunGauge(TrainingStep, "Last optimiser step reported by the training loop (steps).");
        _probesTotal = factory.CreateCounter(ProbesTotal, "Probes completed (count).", RunLabel);
        _probeFailuresTotal = factory.CreateCounter(ProbeFailuresTotal, "Probes that failed and were skipped over; the run went on (count).", RunLabel);
        _probesSkippedTotal = factory.CreateCounter(ProbesSkippedTotal, "Probes due but not taken because the previous one was still running (count).", RunLabel);
        _probeDuration = factory.CreateHistogram(
            ProbeDurationSeconds,
            "Wall time of one completed probe (seconds).",
            new HistogramConfiguration { LabelNames = [RunLabel], Buckets = [.. ProbeDurationBuckets] });
        _operatorApplicationsTotal = factory.CreateCounter(OperatorApplicationsTotal, "Operator products M v computed over all probes (count).", RunLabel);
        _overheadRatio = RunGauge(OverheadRatio, "Probe wall time over training wall time so far (ratio; NaN before training time is known).");

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
            _errorEnergy.WithLabels(run).Set(snapshot.ErrorEnergy);
            _nullEnergy.WithLabels(run).Set(snapshot.NullEnergy);
            // The interval of an undetermined frontier means nothing even if a reader filled it in: all three are unknown.
            var determined = frontier.IsDetermined;
            SetBounds(
                _frontierLambda,
                [run],
                determined ? frontier.Lambda : double.NaN,
                determined ? frontier.LambdaLower : double.NaN,
                determined ? frontier.LambdaUpper : double.NaN);
            _frontierEnergyFraction.WithLabels(run).Set(frontier.EnergyFraction);
            _frontierFitLambda.WithLabels(run).Set(frontier.Fit.Lambda);
            _frontierTailExponent.WithLabels(run).Set(frontier.Fit.TailExponent);
            _frontierFitR2.WithLabels(run).Set(frontier.Fit.R2);
            _frontierOutlierEnergy.WithLabels(run).Set(frontier.Fit.OutlierEnergy);
            _frontierVelocity.WithLabels(run).Set(assessment.FrontierVelocity);
            _predictedLossExponent.WithLabels(run).Set(assessment.PredictedLossExponent);
            _measuredLossExponent.WithLabels(run).Set(assessment.MeasuredLossExponent);
            _spectralPosition.WithLabels(run).Set(snapshot.SpectralPosition);
            _lambdaMax.WithLabels(run).Set(snapshot.LambdaMax);
            _stabilityMargin.WithLabels(run).Set(assessment.StabilityMargin);
            _kernelDistance.WithLabels(run).Set(assessment.KernelDistance);
            _kernelVelocity.WithLabels(run).Set(assessment.KernelVelocity);

            foreach (var regime in TrainingRegimeNames.All)
            {
                _regime.WithLabels(run, regime.ToWireName()).Set(regime == assessment.Regime ? 1 : 0);
            }

            UpdateShells(run, snapshot.Shells);

            // Fallbacks for runs without Track: a tracked status overwrites these on the next scrape.
            var step = _trainingStep.WithLabels(run);
            if (!(step.Value >= snapshot.Step))
            {
                step.Set(snapshot.Step);
            }

            _overheadRatio.WithLabels(run).Set(snapshot.OverheadRatio);

            if (double.IsFinite(snapshot.ProbeDurationSeconds) && snapshot.ProbeDurationSeconds >= 0)
            {
                _probeDuration.WithLabels(run).Observe(snapshot.ProbeDurationSeconds);
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
                _regime.RemoveLabelled(run, regime.ToWireName());
            }

            foreach (var bound in BoundNames)
            {
                _frontierLambda.RemoveLabelled(run, bound);
            }

            foreach (var gauge in new[]
                     {
                         _errorEnergy, _nullEnergy, _frontierEnergyFraction, _frontierFitLambda, _frontierTailExponent,
                         _frontierFitR2, _frontierOutlierEnergy, _frontierVelocity, _predictedLossExponent, _measuredLossExponent, _spectralPosition,
                         _lambdaMax, _stabilityMargin, _kernelDistance, _kernelVelocity, _trainingStep, _overheadRatio,
                     })
            {
                gauge.RemoveLabelled(run);
            }

            _probesTotal.RemoveLabelled(run);
            _probeFailuresTotal.RemoveLabelled(run);
            _probesSkippedTotal.RemoveLabelled(run);
            _operatorApplicationsTotal.RemoveLabelled(run);
            _probeDuration.RemoveLabelled(run);
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
                _probeFailuresTotal.WithLabels(failed.Run).IncTo(failed.FailuresTotal);
                break;
            case ProbeSkipped skipped:
                _probesSkippedTotal.WithLabels(skipped.Run).IncTo(skipped.SkippedTotal);
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
            SetBounds(_shellEnergy, [run, key.Shell, key.LambdaLower], shell.Estimate, shell.Lower, shell.Upper);
            if (shell.Occupancy is { } occupancy)
            {
                _shellOccupancy.WithLabels(run, key.Shell, key.LambdaLower).Set(occupancy);
            }
            else
            {
                // The same shell may have had a count at the previous probe; an unknown count must not keep the old one.
                _shellOccupancy.RemoveLabelled(run, key.Shell, key.LambdaLower);
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
            _shellEnergy.RemoveLabelled(run, key.Shell, key.LambdaLower, bound);
        }

        _shellOccupancy.RemoveLabelled(run, key.Shell, key.LambdaLower);
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
            _trainingStep.WithLabels(run).Set(status.TrainingStep);
            _probesTotal.WithLabels(run).IncTo(status.ProbesTotal);
            _probeFailuresTotal.WithLabels(run).IncTo(status.ProbeFailuresTotal);
            _probesSkippedTotal.WithLabels(run).IncTo(status.ProbesSkippedTotal);
            _operatorApplicationsTotal.WithLabels(run).IncTo(status.OperatorApplicationsTotal);
            _overheadRatio.WithLabels(run).Set(status.OverheadRatio);
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
