namespace TrainMonitor.Regimes;

/// <summary>
/// Thresholds of the regime classification (DESIGN §1.5) used by <see cref="RegimeTracker"/>. Settable so that the
/// options pattern can bind them from configuration; checked by <see cref="Validate"/>, which the tracker calls when
/// it is constructed (it then keeps its own copy, so changing this object later does not affect a running tracker).
/// </summary>
/// <remarks>
/// Rates are measured per unit of ln t (t the optimiser step), so they do not depend on how long the run is. As a
/// yardstick: lazy linear gradient descent has frontier velocity c = 1 (λ_f ∝ 1/t), i.e. the frontier halves for
/// every doubling of t. A rate of 0.1 moves a quantity by only e^(−0.1·ln 2) ≈ 0.93, i.e. 7 %, per doubling of t.
/// <see cref="KernelVelocityThreshold"/> is set from the validation runs (docs/validation.md); the stall thresholds were
/// checked there (no false alert, every stalled lazy run alerted) and kept.
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
    /// Number of most recent probes (the current one included) that the regressions and the kernel velocity use
    /// (default 4). The tracker keeps exactly this many probes of history. Small, so the rates follow changes of
    /// regime within a few probes; 4 points still average out the probe-to-probe noise of a fitted frontier. At
    /// least 2 (a slope needs two points).
    /// </summary>
    public int Window { get; set; } = 4;

    /// <summary>
    /// Smallest gap in ln t between two probes of the window (default 0.3, i.e. 35 % more steps). A probe closer than
    /// this to the latest probe of the window replaces it rather than adding one, so the window covers at least
    /// (<see cref="Window"/> − 1)·0.3 of ln t however densely the run is probed, and the energy growth, the kernel
    /// distance and the slopes compare probes far enough apart to rise above the probe-to-probe noise of stochastic
    /// training. The default log-spaced schedules (factor 1.5 or 2: 0.41 and 0.69 apart) are unaffected. Finite, ≥ 0
    /// (0 keeps every probe, as before this setting existed).
    /// </summary>
    public double MinimumLogSpacing { get; set; } = 0.3;

    /// <summary>
    /// Kernel distance S per unit of ln t above which the kernel counts as moving, i.e. the run is feature
    /// learning (default 1e-3). Finite and ≥ 0.
    /// </summary>
    /// <remarks>
    /// <para>Set from the validation runs, between the lazy and the rich runs' measured velocities (docs/validation.md, case 2).</para>
    /// <para>S per unit ln t depends on the spacing of the probes in ln t (S is second order in small smooth kernel
    /// changes); the threshold is meant for probes spaced roughly evenly in ln t (about ln 2 apart, the default schedule).</para>
    /// </remarks>
    public double KernelVelocityThreshold { get; set; } = 1e-3;

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
    /// Consecutive stalled window probes (kernel not moving, frontier stalled and the error energy not falling) before the run is reported
    /// <see cref="TrainingRegime.LazyStagnant"/> (default 3). With the default <see cref="Window"/> of 4 this
    /// spans most of a window, so one noisy frontier fit does not raise the alert. At least 1.
    /// </summary>
    public int StagnationProbes { get; set; } = 3;

    /// <summary>
    /// Relative growth of the error energy above which the run is <see cref="TrainingRegime.Unstable"/> (default 0.05,
    /// i.e. 5 %), when it holds against both of the window's two previous probes (each at least
    /// <see cref="MinimumLogSpacing"/> back): sustained growth, not one rebound off a low, which stochastic training on a
    /// fixed probe set produces (docs/validation.md, "A densely probed run does not flap").
    /// Divergence exceeds it at once; a non-finite energy and η·λ_max ≥ <see cref="StabilityMarginLimit"/> need no
    /// history. Finite and ≥ 0.
    /// </summary>
    public double EnergyGrowthTolerance { get; set; } = 0.05;

    /// <summary>
    /// Stability margin η·λ_max at or above which the run is <see cref="TrainingRegime.Unstable"/> (default 2:
    /// gradient descent on squared error diverges along the top eigenvector when η·λ_max &gt; 2). Finite and &gt; 0.
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
            throw Invalid(nameof(KernelVelocityThreshold), KernelVelocityThreshold, "must be finite and ≥ 0 (kernel distance per unit ln t)");
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
