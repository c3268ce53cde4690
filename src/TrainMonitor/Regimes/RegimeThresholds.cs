namespace TrainMonitor.Regimes;

/// <summary>
/// Thresholds of the regime classification (DESIGN §1.5) used by <see cref="RegimeTracker"/>. Settable so that the
/// options pattern can bind them from configuration; checked by <see cref="Validate"/>, which the tracker calls when
/// it is constructed (it then keeps its own copy, so changing this object later does not affect a running tracker).
/// </summary>
/// <remarks>
/// Every threshold is dimensionless and independent of the step: rates are per unit of ln t (t the optimiser step) or per
/// unit of the model's own output change, and rises are measured in units of the run's own probe-to-probe noise. As a
/// yardstick for the ln t rates: lazy linear gradient descent has frontier velocity c = 1 (λ_f ∝ 1/t), i.e. the frontier
/// halves for every doubling of t; a rate of 0.1 moves a quantity by only e^(−0.1·ln 2) ≈ 0.93, i.e. 7 %, per doubling.
/// The defaults were chosen once on the scenario benchmark and checked on runs they were not chosen on
/// (docs/validation.md, "Scenarios"); docs/engine.md ("Regimes") gives the rules.
/// </remarks>
public sealed class RegimeThresholds
{
    /// <summary>
    /// Probes needed before a regime other than <see cref="TrainingRegime.WarmingUp"/> is reported (default 3).
    /// Two probes give one kernel distance and one two-point slope; the third is the first at which a slope is
    /// checked by a point it was not fitted to. At least 1.
    /// </summary>
    public int MinimumProbes { get; set; } = 3;

    /// <summary>
    /// Number of ln-t-spaced probes the frontier velocity and loss exponent are regressed over, and of recent intervals the
    /// outputs' moving speed and the transport fraction are taken over (default 4). Small, so they follow changes of regime
    /// within a few probes; at least 2.
    /// </summary>
    public int Window { get; set; } = 4;

    /// <summary>
    /// Smallest gap in ln t between two of the probes the slow-stall slopes (frontier velocity, loss exponent) are regressed
    /// over (default 0.3, i.e. 35 % more steps): those exponents are rates per unit ln t, and two probes much closer in ln t
    /// would divide the probe-to-probe noise of stochastic training by a tiny gap. Only the slow (lazy-plateau) stall uses
    /// them; stalls, divergence, overfitting and recovery are judged from the last probes whatever their spacing. Finite, ≥ 0.
    /// </summary>
    public double MinimumLogSpacing { get; set; } = 0.3;

    /// <summary>
    /// Kernel velocity above which the tangent kernel counts as moving, i.e. the run is feature learning (default 0.03):
    /// radians the model's tangent kernel turned since the first probe per e-fold of the held-out loss's fall since then
    /// (per <see cref="EnergyGrowthTolerance"/> at least, while it has fallen less). Once feature learning, the run stays
    /// so until the velocity falls below half of it. Finite and ≥ 0. Chosen on the scenario benchmark and the lazy/rich
    /// validation (docs/validation.md).
    /// </summary>
    public double KernelVelocityThreshold { get; set; } = 0.03;

    /// <summary>
    /// Relative change of the model's outputs on the probe set per unit ln t below which the function counts as frozen — the
    /// weights no longer move it (default 1e-3). A frozen interval is a stall whatever the error does. Finite and ≥ 0.
    /// </summary>
    public double FrozenOutputSpeed { get; set; } = 1e-3;

    /// <summary>
    /// The outputs also count as frozen when their change per step falls below this fraction of what it was over the last
    /// intervals in which they moved (default 1e-3), which keeps a stall visible late in a long run, where a residual drift
    /// per unit ln t grows with t. In (0, 1).
    /// </summary>
    public double FrozenOutputFraction { get; set; } = 1e-3;

    /// <summary>
    /// Consecutive frozen probes before the run is reported stalled (default 1: the signal is three orders of magnitude from
    /// any learning run's, so one interval in which the outputs stood still is enough). At least 1.
    /// </summary>
    public int FrozenProbes { get; set; } = 1;

    /// <summary>
    /// How many robust standard deviations of the probe-to-probe change of ln E (estimated over the last
    /// <see cref="NoiseWindow"/> intervals) the held-out error energy must rise above its best before it counts as rising
    /// (default 3). Stochastic training makes the probe error fluctuate from probe to probe; a rise within that noise is not
    /// divergence or overfitting. Finite and ≥ 0.
    /// </summary>
    public double NoiseMultiplier { get; set; } = 3.0;

    /// <summary>Number of recent probe intervals the noise of ln E is estimated over (default 8). At least 2.</summary>
    public int NoiseWindow { get; set; } = 8;

    /// <summary>
    /// Relative rise of the mean training loss over its best of the last <see cref="NoiseWindow"/> intervals above which
    /// training counts as diverging rather than overfitting (default 0.5, i.e. 50 %). The training loss is averaged over the
    /// steps between probes, so its noise is small. Finite and ≥ 0.
    /// </summary>
    public double TrainingLossGrowthTolerance { get; set; } = 0.5;

    /// <summary>
    /// The second road to <see cref="TrainingRegime.Overfitting"/>: the held-out loss above its best by more than
    /// <see cref="EnergyGrowthTolerance"/> at two probes in a row while the training loss has fallen by this factor or more
    /// since that best (default 2) — a widening generalization gap, which needs no noise yardstick. It sees overfitting on a
    /// log-spaced schedule, whose few probes are too far apart for the noise-scaled test. Finite and &gt; 1.
    /// </summary>
    public double GeneralizationGapFactor { get; set; } = 2.0;

    /// <summary>
    /// What counts as a material fall (default 0.1, i.e. 10 %): a stall counts as <see cref="TrainingRegime.NotLearning"/>
    /// rather than <see cref="TrainingRegime.LazyStagnant"/> when the error energy never fell this far below the first probe's
    /// and the run was never feature learning; and the training loss must have fallen this far below its value at the
    /// held-out best before a rising held-out error counts as <see cref="TrainingRegime.Overfitting"/>. In [0, 1).
    /// </summary>
    public double LearningDrop { get; set; } = 0.1;

    /// <summary>
    /// Whether the transport fraction of the energy budget is a second feature-learning signal beside the kernel
    /// velocity (default false). Turn it on when the probe set is the training set and training is full-batch gradient
    /// descent: there the frozen-kernel prediction is exact up to the kernel's motion. On a held-out probe set the
    /// fraction also carries the train/probe mismatch (near 1 in every regime of validation case 2), so it is off by default.
    /// </summary>
    public bool UseTransport { get; set; }

    /// <summary>
    /// Median transport fraction, over the window's last intervals, above which the run counts as feature learning when
    /// <see cref="UseTransport"/> is on (default 0.06, from validation case 2, docs/validation.md). Finite and ≥ 0.
    /// </summary>
    public double TransportThreshold { get; set; } = DefaultTransportThreshold;

    /// <summary>The default <see cref="TransportThreshold"/>.</summary>
    public const double DefaultTransportThreshold = 0.06;

    /// <summary>
    /// Frontier velocity c = −d ln λ_f / d ln t below which the frontier counts as stalled (default 0.1: a tenth of
    /// the lazy-linear rate c = 1, i.e. λ_f moving by less than 7 % per doubling of t). Finite.
    /// </summary>
    public double FrontierStallVelocity { get; set; } = 0.1;

    /// <summary>
    /// Measured loss exponent −d ln E_total / d ln t below which the error energy counts as having stopped
    /// decreasing (default 0.1, i.e. less than 7 % per doubling of t). Used as the sign of a stall when the
    /// frontier is undetermined over the window and its velocity therefore unknown. Finite.
    /// </summary>
    public double EnergyStallExponent { get; set; } = 0.1;

    /// <summary>
    /// Consecutive slowly stalled probes (kernel not moving, frontier stalled and the error energy not falling over the
    /// ln-t-spaced probes) before the run is reported <see cref="TrainingRegime.LazyStagnant"/> (default 3), so one noisy
    /// frontier fit does not raise the alert. Counted per ln-t-spaced probe. A frozen function needs only
    /// <see cref="FrozenProbes"/>. At least 1.
    /// </summary>
    public int StagnationProbes { get; set; } = 3;

    /// <summary>
    /// Smallest relative rise of the error energy over its best that counts as rising, whatever the noise (default 0.05,
    /// i.e. 5 %); also the margin within which an unstable run must come back to its level before the divergence to be
    /// released. Finite and ≥ 0.
    /// </summary>
    public double EnergyGrowthTolerance { get; set; } = 0.05;

    /// <summary>
    /// Stability margin η·λ_max at or above which the run is <see cref="TrainingRegime.Unstable"/> (default 2:
    /// gradient descent on squared error diverges along the top eigenvector when η·λ_max &gt; 2). Judged only where the
    /// probe's operator is the loss's curvature (<see cref="RegimeObservation.StabilityMarginApplies"/>: squared error).
    /// Finite and &gt; 0.
    /// </summary>
    public double StabilityMarginLimit { get; set; } = 2.0;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/>, with the offending property as parameter name and in the
    /// message, if a setting is out of its documented range.
    /// </summary>
    public void Validate()
    {
        if (MinimumProbes < 1)
        {
            throw Invalid(nameof(MinimumProbes), MinimumProbes, "must be at least 1");
        }

        if (Window < 2)
        {
            throw Invalid(nameof(Window), Window, "must be at least 2 (a slope needs two probes)");
        }

        if (!(MinimumLogSpacing >= 0.0) || double.IsInfinity(MinimumLogSpacing))
        {
            throw Invalid(nameof(MinimumLogSpacing), MinimumLogSpacing, "must be finite and ≥ 0 (a gap in ln t)");
        }

        if (!(KernelVelocityThreshold >= 0.0) || double.IsInfinity(KernelVelocityThreshold))
        {
            throw Invalid(nameof(KernelVelocityThreshold), KernelVelocityThreshold, "must be finite and ≥ 0 (radians of tangent-kernel rotation per e-fold of held-out loss)");
        }

        if (!(FrozenOutputSpeed >= 0.0) || double.IsInfinity(FrozenOutputSpeed))
        {
            throw Invalid(nameof(FrozenOutputSpeed), FrozenOutputSpeed, "must be finite and ≥ 0 (relative output change per unit ln t)");
        }

        if (!(FrozenOutputFraction > 0.0 && FrozenOutputFraction < 1.0))
        {
            throw Invalid(nameof(FrozenOutputFraction), FrozenOutputFraction, "must lie in (0, 1) (a fraction of the output speed while learning)");
        }

        if (FrozenProbes < 1)
        {
            throw Invalid(nameof(FrozenProbes), FrozenProbes, "must be at least 1");
        }

        if (!(NoiseMultiplier >= 0.0) || double.IsInfinity(NoiseMultiplier))
        {
            throw Invalid(nameof(NoiseMultiplier), NoiseMultiplier, "must be finite and ≥ 0 (robust standard deviations of the probe-to-probe change of ln E)");
        }

        if (NoiseWindow < 2)
        {
            throw Invalid(nameof(NoiseWindow), NoiseWindow, "must be at least 2 (probe intervals)");
        }

        if (!(TrainingLossGrowthTolerance >= 0.0) || double.IsInfinity(TrainingLossGrowthTolerance))
        {
            throw Invalid(nameof(TrainingLossGrowthTolerance), TrainingLossGrowthTolerance, "must be finite and ≥ 0 (relative growth)");
        }

        if (!(GeneralizationGapFactor > 1.0) || double.IsInfinity(GeneralizationGapFactor))
        {
            throw Invalid(nameof(GeneralizationGapFactor), GeneralizationGapFactor, "must be finite and > 1 (a factor by which the training loss fell)");
        }

        if (!(LearningDrop >= 0.0 && LearningDrop < 1.0))
        {
            throw Invalid(nameof(LearningDrop), LearningDrop, "must lie in [0, 1) (a fraction of the first probe's error energy)");
        }

        if (!(TransportThreshold >= 0.0) || double.IsInfinity(TransportThreshold))
        {
            throw Invalid(nameof(TransportThreshold), TransportThreshold, "must be finite and ≥ 0 (a fraction of the error energy)");
        }

        if (!double.IsFinite(FrontierStallVelocity))
        {
            throw Invalid(nameof(FrontierStallVelocity), FrontierStallVelocity, "must be finite");
        }

        if (!double.IsFinite(EnergyStallExponent))
        {
            throw Invalid(nameof(EnergyStallExponent), EnergyStallExponent, "must be finite");
        }

        if (StagnationProbes < 1)
        {
            throw Invalid(nameof(StagnationProbes), StagnationProbes, "must be at least 1");
        }

        if (!(EnergyGrowthTolerance >= 0.0) || double.IsInfinity(EnergyGrowthTolerance))
        {
            throw Invalid(nameof(EnergyGrowthTolerance), EnergyGrowthTolerance, "must be finite and ≥ 0 (relative growth)");
        }

        if (!(StabilityMarginLimit > 0.0) || double.IsInfinity(StabilityMarginLimit))
        {
            throw Invalid(nameof(StabilityMarginLimit), StabilityMarginLimit, "must be finite and > 0");
        }
    }

    /// <summary>A copy, so a tracker is not affected by later changes to the bound object.</summary>
    internal RegimeThresholds Clone() => (RegimeThresholds)MemberwiseClone();

    private static ArgumentOutOfRangeException Invalid(string name, object value, string rule) =>
        new(name, value, $"{nameof(RegimeThresholds)}.{name} {rule}; got {value}.");
}
