namespace TrainMonitor.Regimes;

/// <summary>
/// What the regime tracker derived from the probe history at one probe. Quantities that need more history than is
/// available are NaN.
/// </summary>
public sealed record RegimeAssessment
{
    /// <summary>The regime at this probe.</summary>
    public required TrainingRegime Regime { get; init; }

    /// <summary>Why: the figures and thresholds that decided the regime, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>Kernel distance S of the model's tangent kernel between this probe and the previous one.</summary>
    public double KernelDistance { get; init; } = double.NaN;

    /// <summary>Kernel distance S between this probe and the first probe of the run.</summary>
    public double KernelDistanceFromFirst { get; init; } = double.NaN;

    /// <summary>
    /// Kernel velocity: the angle (radians, arccos(1 − S)) the model's tangent kernel turned since the first probe per e-fold
    /// of the held-out probe loss's fall since then (the fall counted as at least <see cref="RegimeThresholds.EnergyGrowthTolerance"/>).
    /// 0 for a model linear in its trained parameters, about 1/α under Chizat–Bach output scale α, 0.03–0.3 and more in
    /// feature learning; independent of the step and of the probe spacing (docs/engine.md, "Regimes").
    /// </summary>
    public double KernelVelocity { get; init; } = double.NaN;

    /// <summary>
    /// Relative change ‖u − u′‖/‖u‖ of the model's (projected) outputs on the probe set since the previous probe: how far
    /// the function moved. Near 0 when the weights stopped moving.
    /// </summary>
    public double OutputChange { get; init; } = double.NaN;

    /// <summary>Frontier velocity c = −d ln λ_f / d ln t by regression over the recent probes (1 in the lazy linear case).</summary>
    public double FrontierVelocity { get; init; } = double.NaN;

    /// <summary>Predicted error-energy exponent γ = c·s (E_total ∝ t^(−γ)).</summary>
    public double PredictedLossExponent { get; init; } = double.NaN;

    /// <summary>Measured exponent: −slope of ln E_total against ln t over the recent probes.</summary>
    public double MeasuredLossExponent { get; init; } = double.NaN;

    /// <summary>Stability margin η·λ_max (NaN when the learning rate is unknown); gradient descent on squared error diverges above 2 (for cross-entropy reported, not judged).</summary>
    public double StabilityMargin { get; init; } = double.NaN;
}
