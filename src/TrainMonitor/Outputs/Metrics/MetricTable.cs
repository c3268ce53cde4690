using System.Globalization;
using TrainMonitor.Regimes;

namespace TrainMonitor.Outputs.Metrics;

/// <summary>
/// Every metric the monitor exports, each named once, in a stable order (<see cref="All"/>): the per-probe quantities
/// first, then the run's counters and cost. Prometheus and TensorBoard walk this table; the log event and the JSON-lines
/// schema (docs/snapshot-schema.md) are checked against it by tests. A new quantity is one row here plus its snapshot field.
/// </summary>
public static class MetricTable
{
    private const string Energy = "squared error per entry";
    private const string Eigenvalue = "eigenvalue";
    private const string Dimensionless = "dimensionless";
    private const string Count = "count";

    /// <summary>Energy in each eigenvalue shell: Gauss estimate and certified bounds.</summary>
    public static MetricDefinition ShellEnergy { get; } = new()
    {
        Name = "shell_energy", Kind = MetricKind.PerShellInterval, Unit = Energy,
        Help = "Error energy in one eigenvalue shell [lambda_lower, q*lambda_lower) of the latest probe: Gauss quadrature "
            + "estimate and certified lower/upper bounds (bound label); same unit as error_energy (squared error per entry).",
        ShellValue = s => s.Estimate, ShellLower = s => s.Lower, ShellUpper = s => s.Upper,
        TensorBoard = new("shell_energy", 11),
        JsonPaths = ["shells[].estimate", "shells[].lower", "shells[].upper"],
    };

    /// <summary>Quadrature nodes in each eigenvalue shell, over all batches (unknown for files that did not record it).</summary>
    public static MetricDefinition ShellOccupancy { get; } = new()
    {
        Name = "shell_occupancy", Kind = MetricKind.PerShell, Unit = Count,
        Help = "Quadrature nodes (eigenvalues on the exact paths, Ritz values under Lanczos) in one eigenvalue shell "
            + "[lambda_lower, q*lambda_lower) of the latest probe, over all batches (count).",
        ShellValue = s => s.Occupancy,
        JsonPaths = ["shells[].occupancy"],
    };

    /// <summary>Error energy ‖e‖²/n on the probe set.</summary>
    public static MetricDefinition ErrorEnergy { get; } = Scalar("error_energy", Energy,
        "Error energy |e|^2/n on the probe set at the latest probe (squared error per entry; NaN if unknown).",
        s => s.ErrorEnergy, tensorBoard: 4, log: "ErrorEnergy");

    /// <summary>
    /// The training loss the loop reported, as the snapshot holds it (the mean since the previous probe), exported so that a
    /// dashboard can set the held-out loss against it; not written to TensorBoard, where the loop logs its own loss.
    /// </summary>
    public static MetricDefinition TrainingLoss { get; } = Scalar("training_loss", "the training loop's loss",
        "Mean of the training losses passed to OnStep since the previous probe, at the latest probe (the training loop's own "
            + "loss; beside probe_loss it shows the generalization gap; NaN when the loop passed no loss).",
        s => s.TrainingLoss ?? double.NaN);

    /// <summary>
    /// The held-out loss on the probe set, beside the error energy it is computed from: the usual validation loss for
    /// cross-entropy, the error energy (the mean squared error) for squared error and user functions.
    /// </summary>
    public static MetricDefinition ProbeLoss { get; } = Scalar("probe_loss", "loss per entry",
        "Held-out loss on the probe set at the latest probe: the mean surprisal for cross-entropy (the usual validation loss, nats), "
            + "the mean of e^2/2 for squared error and user functions (half of error_energy); the regime judges rises, falls and "
            + "divergence of the held-out error on it (loss per entry; NaN if unknown).",
        s => s.ProbeLoss, tensorBoard: 16, log: "ProbeLoss");

    /// <summary>Energy below the null floor.</summary>
    public static MetricDefinition NullEnergy { get; } = Scalar("null_energy", Energy,
        "Error energy below the null floor, which the current kernel cannot move (squared error per entry).",
        s => s.NullEnergy, tensorBoard: 5, log: "NullEnergy");

    /// <summary>
    /// The energy-quantile frontier λ_f(p) with its certified ends; all three NaN while it is undetermined, whatever numbers
    /// the snapshot carries (the log shows the snapshot's own numbers beside the frontier's status).
    /// </summary>
    public static MetricDefinition FrontierLambda { get; } = new()
    {
        Name = "frontier_lambda", Kind = MetricKind.Interval, Unit = Eigenvalue,
        Help = "Energy-quantile frontier lambda_f(p): the eigenvalue above which a fraction p (frontier_energy_fraction) of the "
            + "non-null error energy lies, as the quadrature estimate and its certified lower/upper ends (bound label; upper "
            + "may be +Inf under Lanczos; eigenvalue of M = J J^T / n; NaN when undetermined).",
        Value = s => s.Frontier.IsDetermined ? s.Frontier.Lambda : double.NaN,
        Lower = s => s.Frontier.IsDetermined ? s.Frontier.LambdaLower : double.NaN,
        Upper = s => s.Frontier.IsDetermined ? s.Frontier.LambdaUpper : double.NaN,
        TensorBoard = new("frontier_lambda", 0),
        LogProperties =
        [
            new("FrontierLambda", s => s.Frontier.Lambda),
            new("FrontierLower", s => s.Frontier.LambdaLower),
            new("FrontierUpper", s => s.Frontier.LambdaUpper),
        ],
        JsonPaths = ["frontier.lambda", "frontier.lambda_lower", "frontier.lambda_upper"],
    };

    /// <summary>The fraction p of the non-null error energy above λ_f(p).</summary>
    public static MetricDefinition FrontierEnergyFraction { get; } = Scalar("frontier_energy_fraction", Dimensionless,
        "Fraction p of the non-null error energy that lies above the frontier lambda_f(p) (dimensionless, in (0, 1)).",
        s => s.Frontier.EnergyFraction, tensorBoard: 1, log: "FrontierEnergyFraction", json: "frontier.energy_fraction");

    /// <summary>Cutoff λ_fit of the amplitude–frontier fit; TensorBoard leaves a gap where the fit is undetermined.</summary>
    public static MetricDefinition FrontierFitLambda { get; } = Scalar("frontier_fit_lambda", Eigenvalue,
        "Cutoff lambda_fit of the amplitude-frontier fit ln E = a + s ln lambda - lambda/lambda_fit of the shell profile (eigenvalue units; NaN when the fit is undetermined).",
        s => s.Frontier.Fit.Lambda, tensorBoard: 2, log: "FitLambda", json: "frontier.fit.lambda",
        writtenWhen: s => s.Frontier.Fit.IsDetermined);

    /// <summary>Tail exponent s of the amplitude–frontier fit.</summary>
    public static MetricDefinition FrontierTailExponent { get; } = Scalar("frontier_tail_exponent", Dimensionless,
        "Tail exponent s of the amplitude-frontier fit of the shell energy profile (dimensionless; NaN when undetermined).",
        s => s.Frontier.Fit.TailExponent, log: "TailExponent", json: "frontier.fit.tail_exponent");

    /// <summary>R² of the amplitude–frontier fit.</summary>
    public static MetricDefinition FrontierFitR2 { get; } = Scalar("frontier_fit_r2", Dimensionless,
        "Coefficient of determination R^2 of the amplitude-frontier fit (dimensionless, at most 1; NaN when no fit was made).",
        s => s.Frontier.Fit.R2, log: "FrontierR2", json: "frontier.fit.r2");

    /// <summary>Energy of the sparse top shells the amplitude–frontier fit left out.</summary>
    public static MetricDefinition FrontierOutlierEnergy { get; } = Scalar("frontier_outlier_energy", Energy,
        "Error energy of the sparse top shells the amplitude-frontier fit left out; same unit as error_energy (squared error per entry; NaN if unknown).",
        s => s.Frontier.Fit.OutlierEnergy, tensorBoard: 3, log: "OutlierEnergy", json: "frontier.fit.outlier_energy");

    /// <summary>Frontier velocity c = −d ln λ_f / d ln t.</summary>
    public static MetricDefinition FrontierVelocity { get; } = Scalar("frontier_velocity", Dimensionless,
        "Frontier velocity c = -d ln lambda_f / d ln t over recent probes (dimensionless; 1 in the lazy linear case; NaN with too little history).",
        s => s.Assessment.FrontierVelocity, log: "FrontierVelocity");

    /// <summary>Predicted loss exponent γ = c·s.</summary>
    public static MetricDefinition PredictedLossExponent { get; } = Scalar("predicted_loss_exponent", Dimensionless,
        "Predicted error-energy exponent gamma = c*s, E_total ~ t^-gamma (dimensionless; NaN with too little history).",
        s => s.Assessment.PredictedLossExponent, log: "PredictedLossExponent");

    /// <summary>Measured loss exponent.</summary>
    public static MetricDefinition MeasuredLossExponent { get; } = Scalar("measured_loss_exponent", Dimensionless,
        "Measured error-energy exponent: -slope of ln E_total against ln t over recent probes (dimensionless; NaN with too little history).",
        s => s.Assessment.MeasuredLossExponent);

    /// <summary>Spectral position α₁ = eᵀMe / eᵀe.</summary>
    public static MetricDefinition SpectralPosition { get; } = Scalar("spectral_position", Eigenvalue,
        "Spectral position alpha_1 = e^T M e / e^T e: energy-weighted mean eigenvalue of the error (eigenvalue units).",
        s => s.SpectralPosition, tensorBoard: 8, log: "SpectralPosition");

    /// <summary>Largest eigenvalue seen.</summary>
    public static MetricDefinition LambdaMax { get; } = Scalar("lambda_max", Eigenvalue,
        "Largest eigenvalue of the error operator M seen by the latest probe (eigenvalue units).",
        s => s.LambdaMax, tensorBoard: 9, log: "LambdaMax");

    /// <summary>Stability margin η·λ_max.</summary>
    public static MetricDefinition StabilityMargin { get; } = Scalar("stability_margin", Dimensionless,
        "Stability margin eta*lambda_max (dimensionless; gradient descent on squared error diverges above 2, so the regime judges it "
            + "only for squared error and reports it for other errors; NaN when the learning rate is unknown).",
        s => s.Assessment.StabilityMargin, log: "StabilityMargin");

    /// <summary>Distance of the model's tangent kernel to the previous probe.</summary>
    public static MetricDefinition KernelDistance { get; } = Scalar("kernel_distance", Dimensionless,
        "Kernel distance S = 1 - cosine between the sketched tangent kernels J_f J_f^T of the model's outputs (Fort et al. 2020) "
            + "at the latest probe and the previous one (dimensionless, 0 = same kernel; NaN for the first probe or without sketch).",
        s => s.Assessment.KernelDistance, tensorBoard: 6, log: "KernelDistance");

    /// <summary>Distance of the model's tangent kernel to the first probe (TensorBoard and JSON lines only).</summary>
    public static MetricDefinition KernelDistanceFromFirst { get; } = Scalar("kernel_distance_from_first", Dimensionless,
        "Kernel distance S = 1 - cosine between the sketched tangent kernels of the model's outputs at the latest probe and the "
            + "first one (dimensionless, 0 = same kernel; NaN without sketch).",
        s => s.Assessment.KernelDistanceFromFirst, tensorBoard: 7, inPrometheus: false);

    /// <summary>
    /// Kernel velocity against the held-out loss: radians the tangent kernel turned since the first probe per e-fold of the
    /// held-out (probe) loss's fall since then. The help quotes the default threshold and the smallest fall counted from
    /// <see cref="RegimeThresholds"/> itself, so it cannot drift from the code.
    /// </summary>
    public static MetricDefinition KernelVelocity { get; } = Scalar("kernel_velocity", "radians per e-fold of held-out loss",
        "Kernel velocity: radians the tangent kernel turned since the first probe (arccos(1 - S), S its kernel distance from the "
            + "first probe's) per e-fold of the held-out loss's fall since then (ln of the first probe_loss over the lowest since; a "
            + "fall smaller than Regime:EnergyGrowthTolerance, default " + Percent(new RegimeThresholds().EnergyGrowthTolerance)
            + ", counts as that much); feature learning above Regime:KernelVelocityThreshold, default "
            + new RegimeThresholds().KernelVelocityThreshold.ToString(CultureInfo.InvariantCulture)
            + ", and until it falls below half of it (radians per e-fold; NaN without kernel sketch or held-out loss).",
        s => s.Assessment.KernelVelocity);

    /// <summary>Relative change of the model's outputs on the probe set since the previous probe: how far the function moved.</summary>
    public static MetricDefinition OutputChange { get; } = Scalar("output_change", Dimensionless,
        "Relative change |u - u'|/|u| of the model's (projected) outputs on the probe set since the previous probe: how far the "
            + "function moved (dimensionless; near 0 when the weights stopped moving, a stall; NaN for the first probe or without sketch).",
        s => s.Assessment.OutputChange, tensorBoard: 15, log: "OutputChange");

    /// <summary>The regime at the latest probe: a state set in Prometheus, its enum code in TensorBoard, its wire name elsewhere.</summary>
    public static MetricDefinition Regime { get; } = new()
    {
        Name = "regime", Kind = MetricKind.RegimeStateSet, Unit = "state",
        Help = "Training regime at the latest probe as a state set: 1 for the current regime, 0 for the others (regime label: "
            + string.Join(", ", TrainingRegimeNames.All.Select(r => r.ToWireName())) + ").",
        Value = s => (int)s.Assessment.Regime,
        TensorBoard = new("regime", 10),
        LogProperties = [new("Regime", s => s.Assessment.Regime.ToWireName())],
        JsonPaths = ["regime"],
    };

    /// <summary>Last optimiser step reported (the live status; a probe's step never moves it back).</summary>
    public static MetricDefinition TrainingStep { get; } = Scalar("training_step", "steps",
        "Last optimiser step reported by the training loop (steps).", s => s.Step, json: "step");

    /// <summary>Probes completed (live status).</summary>
    public static MetricDefinition ProbesTotal { get; } = Counter("probes_total", "Probes completed (count).");

    /// <summary>Probes failed (live status, or the total a failure event carries).</summary>
    public static MetricDefinition ProbeFailuresTotal { get; } =
        Counter("probe_failures_total", "Probes that failed and were skipped over; the run went on (count).");

    /// <summary>Probes due but skipped (live status, or the total a skip event carries).</summary>
    public static MetricDefinition ProbesSkippedTotal { get; } =
        Counter("probes_skipped_total", "Probes due but not taken because the previous one was still running (count).");

    /// <summary>Probes the overhead budget postponed (live status).</summary>
    public static MetricDefinition ProbesPostponedTotal { get; } =
        Counter("probes_postponed_total", "Probes due but postponed to keep within the overhead budget; each runs when the budget allows (count).");

    /// <summary>Wall time of each probe.</summary>
    public static MetricDefinition ProbeDurationSeconds { get; } = Scalar("probe_duration_seconds", "seconds",
        "Wall time of one completed probe (seconds).", s => s.ProbeDurationSeconds, log: "ProbeDurationSeconds",
        kind: MetricKind.Histogram);

    /// <summary>Operator products M v: each probe's own in the snapshot, the run's total from the live status.</summary>
    public static MetricDefinition OperatorApplicationsTotal { get; } = new()
    {
        Name = "operator_applications_total", Kind = MetricKind.Counter, Unit = Count,
        Help = "Operator products M v computed over all probes (count).",
        Value = s => s.OperatorApplications,
        LogProperties = [new("OperatorApplications", s => s.OperatorApplications)],
        JsonPaths = ["operator_applications"],
    };

    /// <summary>Probe time over training time so far (each snapshot's, overridden by the live status).</summary>
    public static MetricDefinition OverheadRatio { get; } = Scalar("overhead_ratio", "ratio",
        "Probe wall time over training wall time so far (ratio; NaN before training time is known).", s => s.OverheadRatio);

    /// <summary>Energy one gradient-descent step removes from each shell (the seed's D_α), with certified bounds.</summary>
    public static MetricDefinition ShellDissipation { get; } = new()
    {
        Name = "shell_dissipation", Kind = MetricKind.PerShellInterval, Unit = Energy + " per step",
        Help = "Error energy one gradient-descent step at the probe's learning rate removes from one eigenvalue shell "
            + "[lambda_lower, q*lambda_lower) with a frozen kernel, sum of (2 eta theta - eta^2 theta^2) w over the shell: estimate and "
            + "certified lower/upper bounds (bound label; squared error per entry per step; no series when the learning rate is unknown).",
        ShellsOf = EnergyBudgetShells.Dissipation,
        ShellValue = s => s.Estimate, ShellLower = s => s.Lower, ShellUpper = s => s.Upper,
        TensorBoard = new("shell_dissipation", 12),
        JsonPaths = ["dissipation.shells[].estimate", "dissipation.shells[].lower", "dissipation.shells[].upper"],
    };

    /// <summary>Net flux J across each shell's lower edge since the previous probe, with certified bounds.</summary>
    public static MetricDefinition ShellFlux { get; } = new()
    {
        Name = "shell_flux", Kind = MetricKind.PerShellInterval, Unit = Energy,
        Help = "Net energy flux J across the lower edge lambda_lower of one eigenvalue shell since the previous probe: measured "
            + "minus frozen-kernel-predicted energy of this shell and every shell above it (positive: energy moved up across the "
            + "edge); estimate and certified lower/upper bounds (bound label; squared error per entry; no series at the first probe "
            + "or when a step's learning rate was not reported).",
        ShellsOf = EnergyBudgetShells.Flux,
        ShellValue = s => s.Estimate, ShellLower = s => s.Lower, ShellUpper = s => s.Upper,
        TensorBoard = new("shell_flux", 13),
        JsonPaths = ["transport.shells[].flux", "transport.shells[].flux_lower", "transport.shells[].flux_upper"],
    };

    /// <summary>Transport fraction since the previous probe, with certified ends.</summary>
    public static MetricDefinition TransportFraction { get; } = new()
    {
        Name = "transport_fraction", Kind = MetricKind.Interval, Unit = Dimensionless,
        Help = "Transport fraction since the previous probe: sum over shells of |measured - frozen-kernel prediction| over the "
            + "error energy, as the estimate and its certified lower/upper ends (bound label; dimensionless; 0 when the kernel is "
            + "frozen and the probe operator is the training operator; NaN at the first probe or without learning rates).",
        Value = s => s.Transport?.TransportFraction ?? double.NaN,
        Lower = s => s.Transport?.TransportFractionLower ?? double.NaN,
        Upper = s => s.Transport?.TransportFractionUpper ?? double.NaN,
        TensorBoard = new("transport_fraction", 14) { WrittenWhen = s => s.Transport is not null },
        LogProperties = [new("TransportFraction", s => s.Transport?.TransportFraction ?? double.NaN)],
        JsonPaths = ["transport.fraction", "transport.fraction_lower", "transport.fraction_upper"],
    };

    /// <summary>Every metric, in the stable order the Prometheus exposition lists them.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        ShellEnergy, ShellOccupancy, ErrorEnergy, TrainingLoss, ProbeLoss, NullEnergy, FrontierLambda, FrontierEnergyFraction, FrontierFitLambda,
        FrontierTailExponent, FrontierFitR2, FrontierOutlierEnergy, FrontierVelocity, PredictedLossExponent,
        MeasuredLossExponent, SpectralPosition, LambdaMax, StabilityMargin, KernelDistance, KernelDistanceFromFirst,
        KernelVelocity, OutputChange, Regime, ShellDissipation, ShellFlux, TransportFraction, TrainingStep, ProbesTotal, ProbeFailuresTotal, ProbesSkippedTotal, ProbesPostponedTotal, ProbeDurationSeconds,
        OperatorApplicationsTotal, OverheadRatio,
    ];

    /// <summary>
    /// A number per probe (a <see cref="MetricKind.Scalar"/> unless told), its TensorBoard tag its name; its JSON key, unless
    /// given, is its name at the top level of the line.
    /// </summary>
    private static MetricDefinition Scalar(
        string name, string unit, string help, Func<ProbeSnapshot, double> value, int? tensorBoard = null,
        string? log = null, string? json = null, Func<ProbeSnapshot, bool>? writtenWhen = null,
        bool inPrometheus = true, MetricKind kind = MetricKind.Scalar) => new()
    {
        Name = name, Kind = kind, Unit = unit, Help = help, Value = value, InPrometheus = inPrometheus,
        TensorBoard = tensorBoard is { } order ? new TensorBoardSeries(name, order) { WrittenWhen = writtenWhen } : null,
        LogProperties = log is { } property ? [new LogProperty(property, s => value(s))] : [],
        JsonPaths = [json ?? name],
    };

    /// <summary>A fraction as an invariant percentage, e.g. 0.05 as "5 %".</summary>
    private static string Percent(double fraction) => (100 * fraction).ToString("0.##", CultureInfo.InvariantCulture) + " %";

    private static MetricDefinition Counter(string name, string help) => new()
    {
        Name = name, Kind = MetricKind.Counter, Unit = Count, Help = help,
    };
}
