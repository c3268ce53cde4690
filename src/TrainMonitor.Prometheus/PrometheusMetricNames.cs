namespace TrainMonitor.Prometheus;

/// <summary>
/// The names of the metrics and labels <see cref="PrometheusSink"/> exports (DESIGN §3.2), for dashboards, alert
/// rules and tests. Every metric carries the <see cref="RunLabel"/> and <see cref="RunIdLabel"/> labels.
/// </summary>
public static class PrometheusMetricNames
{
    /// <summary>Prefix of every metric name.</summary>
    public const string Prefix = "trainmonitor_";

    /// <summary>Label naming the run; present on every series.</summary>
    public const string RunLabel = "run";

    /// <summary>
    /// Label identifying the monitor session, beside <see cref="RunLabel"/> on every series: the run id of its snapshots and
    /// status, new each time a monitor is attached, so two runs of one name (a rerun on the same port, two monitors in one
    /// process) are different series. Empty (no label) for snapshots and statuses without one.
    /// </summary>
    public const string RunIdLabel = "run_id";

    /// <summary>Label of <see cref="ShellEnergy"/> and <see cref="ShellOccupancy"/>: the shell index α as an invariant integer.</summary>
    public const string ShellLabel = "shell";

    /// <summary>Label of <see cref="ShellEnergy"/> and <see cref="ShellOccupancy"/>: the shell's lower eigenvalue edge, invariant "G6".</summary>
    public const string LambdaLowerLabel = "lambda_lower";

    /// <summary>Label of <see cref="ShellEnergy"/> and <see cref="FrontierLambda"/>: <c>estimate</c>, <c>lower</c> or <c>upper</c>.</summary>
    public const string BoundLabel = "bound";

    /// <summary>Label of the <see cref="Regime"/> state set: the regime's wire name.</summary>
    public const string RegimeLabel = "regime";

    /// <summary>Gauge: energy in one eigenvalue shell (Gauss estimate and certified bounds).</summary>
    public const string ShellEnergy = Prefix + "shell_energy";

    /// <summary>Gauge: quadrature nodes (eigenvalues or Ritz values) in one eigenvalue shell, over all batches.</summary>
    public const string ShellOccupancy = Prefix + "shell_occupancy";

    /// <summary>Gauge: error energy ‖e‖²/n on the probe set.</summary>
    public const string ErrorEnergy = Prefix + "error_energy";

    /// <summary>Gauge: mean of the training losses passed to <c>OnStep</c> since the previous probe.</summary>
    public const string TrainingLoss = Prefix + "training_loss";

    /// <summary>
    /// Gauge: held-out loss on the probe set (mean surprisal for cross-entropy, the usual validation loss; the error energy, the mean squared error
    /// for squared error).
    /// </summary>
    public const string ProbeLoss = Prefix + "probe_loss";

    /// <summary>Gauge: energy below the null floor.</summary>
    public const string NullEnergy = Prefix + "null_energy";

    /// <summary>Gauge: energy-quantile frontier λ_f(p), estimate and certified lower/upper ends (<see cref="BoundLabel"/>).</summary>
    public const string FrontierLambda = Prefix + "frontier_lambda";

    /// <summary>Gauge: the fraction p of the non-null error energy above λ_f(p).</summary>
    public const string FrontierEnergyFraction = Prefix + "frontier_energy_fraction";

    /// <summary>Gauge: cutoff λ_fit of the amplitude–frontier fit of the shell profile.</summary>
    public const string FrontierFitLambda = Prefix + "frontier_fit_lambda";

    /// <summary>Gauge: tail exponent s of the amplitude–frontier fit.</summary>
    public const string FrontierTailExponent = Prefix + "frontier_tail_exponent";

    /// <summary>Gauge: R² of the amplitude–frontier fit.</summary>
    public const string FrontierFitR2 = Prefix + "frontier_fit_r2";

    /// <summary>Gauge: energy of the sparse top shells the amplitude–frontier fit left out.</summary>
    public const string FrontierOutlierEnergy = Prefix + "frontier_outlier_energy";

    /// <summary>Gauge: frontier velocity c = −d ln λ_f / d ln t.</summary>
    public const string FrontierVelocity = Prefix + "frontier_velocity";

    /// <summary>Gauge: predicted loss exponent γ = c·s.</summary>
    public const string PredictedLossExponent = Prefix + "predicted_loss_exponent";

    /// <summary>Gauge: measured loss exponent.</summary>
    public const string MeasuredLossExponent = Prefix + "measured_loss_exponent";

    /// <summary>Gauge: spectral position α₁ = eᵀMe / eᵀe.</summary>
    public const string SpectralPosition = Prefix + "spectral_position";

    /// <summary>Gauge: largest eigenvalue seen.</summary>
    public const string LambdaMax = Prefix + "lambda_max";

    /// <summary>Gauge: stability margin η·λ_max.</summary>
    public const string StabilityMargin = Prefix + "stability_margin";

    /// <summary>Gauge: distance of the model's tangent kernel to the previous probe's (1 − cosine of the sketches).</summary>
    public const string KernelDistance = Prefix + "kernel_distance";

    /// <summary>
    /// Gauge: kernel velocity, radians the tangent kernel turned since the first probe per e-fold of the held-out (probe)
    /// loss's fall since then.
    /// </summary>
    public const string KernelVelocity = Prefix + "kernel_velocity";

    /// <summary>Gauge: relative change of the model's outputs on the probe set since the previous probe (near 0: a stall).</summary>
    public const string OutputChange = Prefix + "output_change";

    /// <summary>Gauge state set: 1 for the current regime, 0 for the others (one series per regime of <c>TrainingRegimeNames.All</c>).</summary>
    public const string Regime = Prefix + "regime";

    /// <summary>Gauge per shell and bound: energy one gradient-descent step removes from the shell (labels run, shell, lambda_lower, bound).</summary>
    public const string ShellDissipation = Prefix + "shell_dissipation";

    /// <summary>Gauge per shell and bound: net energy flux across the shell's lower edge since the previous probe.</summary>
    public const string ShellFlux = Prefix + "shell_flux";

    /// <summary>Gauge per bound: transport fraction since the previous probe.</summary>
    public const string TransportFraction = Prefix + "transport_fraction";

    /// <summary>Gauge: last optimiser step reported by the training loop.</summary>
    public const string TrainingStep = Prefix + "training_step";

    /// <summary>Counter: probes completed.</summary>
    public const string ProbesTotal = Prefix + "probes_total";

    /// <summary>Counter: probes failed.</summary>
    public const string ProbeFailuresTotal = Prefix + "probe_failures_total";

    /// <summary>Counter: probes due but skipped.</summary>
    public const string ProbesSkippedTotal = Prefix + "probes_skipped_total";

    /// <summary>Counter: probes due but postponed by the overhead budget.</summary>
    public const string ProbesPostponedTotal = Prefix + "probes_postponed_total";

    /// <summary>Histogram: wall time of a probe, in seconds.</summary>
    public const string ProbeDurationSeconds = Prefix + "probe_duration_seconds";

    /// <summary>Counter: operator products M v computed.</summary>
    public const string OperatorApplicationsTotal = Prefix + "operator_applications_total";

    /// <summary>Gauge: probe wall time over training wall time.</summary>
    public const string OverheadRatio = Prefix + "overhead_ratio";
}
