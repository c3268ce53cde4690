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

    /// <summary>Kernel distance S between this probe and the previous one.</summary>
    public double KernelDistance { get; init; } = double.NaN;

    /// <summary>Kernel distance S between this probe and the first probe of the run.</summary>
    public double KernelDistanceFromFirst { get; init; } = double.NaN;

    /// <summary>Kernel velocity: S per unit of ln t over the recent probes.</summary>
    public double KernelVelocity { get; init; } = double.NaN;

    /// <summary>Frontier velocity c = −d ln λ_f / d ln t by regression over the recent probes (1 in the lazy linear case).</summary>
    public double FrontierVelocity { get; init; } = double.NaN;

    /// <summary>Predicted error-energy exponent γ = c·s (E_total ∝ t^(−γ)).</summary>
    public double PredictedLossExponent { get; init; } = double.NaN;

    /// <summary>Measured exponent: −slope of ln E_total against ln t over the recent probes.</summary>
    public double MeasuredLossExponent { get; init; } = double.NaN;

    /// <summary>Stability margin η·λ_max (NaN when the learning rate is unknown); gradient descent on squared error diverges above 2.</summary>
    public double StabilityMargin { get; init; } = double.NaN;
}
