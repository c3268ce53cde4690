using TrainMonitor.EnergyBudget;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Outputs;

/// <summary>
/// Everything one probe reports: the record every sink receives (Prometheus, logs, JSON lines, tests). Immutable.
/// Quantities that are unknown (no learning rate given, too little history) are NaN or null.
/// </summary>
public sealed record ProbeSnapshot
{
    /// <summary>Name of the run (the <c>run</c> label).</summary>
    public required string Run { get; init; }

    /// <summary>
    /// Identifies the monitor session that took the probe: a new id each time a monitor is attached, so the runs that
    /// one appended file accumulates (every rerun continues the same file) can be told apart even when they share the
    /// run name and restart at the same steps. Null when not known (files written before the key existed).
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Optimiser step at which the weights were probed.</summary>
    public required long Step { get; init; }

    /// <summary>When the probe finished.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Sequence number of this probe in the run (1 for the first).</summary>
    public required long ProbeIndex { get; init; }

    /// <summary>Learning rate passed with the step, if any.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Mean of the training losses passed to OnStep since the previous probe, if any were.</summary>
    public double? TrainingLoss { get; init; }

    /// <summary>
    /// Held-out loss on the probe set: the mean surprisal for cross-entropy (the usual validation loss), the mean of e² for
    /// squared error and user functions (the error energy: what <c>mse_loss</c> reports). NaN when not known (snapshots read from files that predate it).
    /// </summary>
    public double ProbeLoss { get; init; } = double.NaN;

    /// <summary>Error energy ‖e‖²/n on the probe set (total mass of the spectral measure).</summary>
    public required double ErrorEnergy { get; init; }

    /// <summary>Energy below the null floor: error the current kernel cannot move.</summary>
    public required double NullEnergy { get; init; }

    /// <summary>The null floor used (absolute eigenvalue).</summary>
    public required double NullFloor { get; init; }

    /// <summary>Ratio q of the shell grid.</summary>
    public required double ShellRatio { get; init; }

    /// <summary>Shells from the floor up to λ_max, with estimates and certified bounds.</summary>
    public required IReadOnlyList<ShellSnapshot> Shells { get; init; }

    /// <summary>The resolution frontier.</summary>
    public required FrontierSnapshot Frontier { get; init; }

    /// <summary>Spectral position α₁ = eᵀMe / eᵀe.</summary>
    public required double SpectralPosition { get; init; }

    /// <summary>Largest eigenvalue seen.</summary>
    public required double LambdaMax { get; init; }

    /// <summary>Regime, kernel distance and velocities derived from the history up to this probe.</summary>
    public required RegimeAssessment Assessment { get; init; }

    /// <summary>The regime at this probe: <see cref="Assessment"/>'s <see cref="RegimeAssessment.Regime"/>, its reason and rates beside it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TrainingRegime Regime => Assessment.Regime;

    /// <summary>Wall time of the probe, in seconds.</summary>
    public required double ProbeDurationSeconds { get; init; }

    /// <summary>Operator products M v this probe computed.</summary>
    public required long OperatorApplications { get; init; }

    /// <summary>Lanczos steps requested per batch (used by the batches whose method is Lanczos).</summary>
    public required int LanczosSteps { get; init; }

    /// <summary>
    /// How each probe batch's spectral measure was obtained, one entry per batch in probe-set order (Gram and Exact are
    /// exact spectra; Lanczos is m-step quadrature with certified bounds). Empty when not known (files written before
    /// the key existed).
    /// </summary>
    public IReadOnlyList<Probing.ProbeMethod> ProbeMethods { get; init; } = [];

    /// <summary>
    /// The method the probe was configured with (<c>Probe:Method</c>; <see cref="Probing.ProbeMethod.Auto"/> by default),
    /// so a reader can tell a forced Lanczos probe from an Auto probe that fell back. Null when not known (files written
    /// at schema version 1).
    /// </summary>
    public Probing.ProbeMethod? ProbeMethodRequested { get; init; }

    /// <summary>
    /// Why <see cref="Probing.ProbeMethod.Auto"/> fell back to Lanczos for at least one batch (the first such batch's
    /// reason), or null when every batch took the requested method (and in files written at schema version 1, which did
    /// not record it).
    /// </summary>
    public string? ProbeFallbackReason { get; init; }

    /// <summary>Error entries in the probe set (examples, outputs or tokens).</summary>
    public required int ErrorEntries { get; init; }

    /// <summary>Probe time so far over training time so far, when training time is known.</summary>
    public double OverheadRatio { get; init; } = double.NaN;

    /// <summary>
    /// Energy one gradient-descent step at <see cref="LearningRate"/> removes from each shell, on the probe operator with
    /// a frozen kernel (the seed's D_α). Null when the learning rate is not known (and in files written before the key
    /// existed).
    /// </summary>
    public DissipationProfile? Dissipation { get; init; }

    /// <summary>
    /// The energy budget since the previous probe: the frozen-kernel prediction, per-shell residual (energy moved by
    /// transport), flux across each shell edge and the transport fraction. Null at the first probe, after a failed
    /// probe, when a step between the two probes came without a learning rate (and in files written before the key existed).
    /// </summary>
    public TransportBudget? Transport { get; init; }
}
