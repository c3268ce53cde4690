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
/// All defaults are provisional until the validation runs set them.
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
    /// Kernel distance S per unit of ln t above which the kernel counts as moving, i.e. the run is feature
    /// learning (default 0.02). Finite and ≥ 0.
    /// </summary>
    /// <remarks>
    /// <para><b>Provisional</b> until the validation runs set it. Justification of the default: a frozen kernel gives
    /// S = 0 (the sketch estimate of identical operators is exactly 0, and for a slightly moving kernel its error is
    /// relative to S, not an absolute noise floor), so the threshold only has to separate "moves a little" from
    /// "moves enough to matter". 0.02 per unit ln t means the kernel decorrelates by about 1.4 % per doubling of t,
    /// i.e. by about 14 % over a run spanning three decades of steps: too much to treat the kernel as frozen.</para>
    /// <para>S is quadratic in small displacements of M (a rotation by a small angle δ gives S ∝ δ²), so S per unit
    /// ln t depends on the spacing of the probes in ln t; the threshold is meant for probes spaced roughly evenly in
    /// ln t (about ln 2 apart).</para>
    /// </remarks>
    public double KernelVelocityThreshold { get; set; } = 0.02;

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
    /// Consecutive stalled probes (kernel not moving and frontier stalled) before the run is reported
    /// <see cref="TrainingRegime.LazyStagnant"/> (default 3). With the default <see cref="Window"/> of 4 this
    /// spans most of a window, so one noisy frontier fit does not raise the alert. At least 1.
    /// </summary>
    public int StagnationProbes { get; set; } = 3;

    /// <summary>
    /// Relative growth of the error energy between two consecutive probes above which the run is
    /// <see cref="TrainingRegime.Unstable"/> (default 0.05, i.e. 5 %). Growth by a few percent can be the noise of
    /// stochastic training on a fixed probe set; sustained divergence exceeds it quickly. Finite and ≥ 0.
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

        if (!(KernelVelocityThreshold >= 0.0) || double.IsInfinity(KernelVelocityThreshold))
        {
            throw Invalid(nameof(KernelVelocityThreshold), KernelVelocityThreshold, "must be finite and ≥ 0 (kernel distance per unit ln t)");
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
