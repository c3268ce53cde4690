using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>What the regime tracker needs from one probe.</summary>
/// <param name="Step">Optimiser step of the probe (≥ 1; the tracker works in ln t).</param>
/// <param name="LearningRate">Learning rate at that step, when known (for the stability margin and the reasons).</param>
/// <param name="ErrorEnergy">Error energy ‖e‖²/n on the probe set.</param>
/// <param name="FrontierLambda">Frontier λ_f, NaN when undetermined.</param>
/// <param name="TailExponent">Fitted tail exponent s, NaN when undetermined.</param>
/// <param name="LambdaMax">Largest eigenvalue seen.</param>
/// <param name="Sketch">Sketch of the model's tangent kernel and outputs at the probe, null when sketching is off.</param>
public sealed record RegimeObservation(long Step, double? LearningRate, double ErrorEnergy, double FrontierLambda, double TailExponent, double LambdaMax, KernelSketch? Sketch)
{
    /// <summary>
    /// Transport fraction of the interval since the previous probe (the energy budget), NaN when the probe has none; used
    /// only when <see cref="RegimeThresholds.UseTransport"/> is on.
    /// </summary>
    public double TransportFraction { get; init; } = double.NaN;

    /// <summary>
    /// Held-out loss on the probe set (the probe result's ProbeLoss: mean surprisal for cross-entropy,
    /// mean e² for residuals (the error energy)). The rises, falls and divergences of the held-out error are judged on it; NaN when unknown,
    /// then on the error energy.
    /// </summary>
    public double ProbeLoss { get; init; } = double.NaN;

    /// <summary>
    /// Mean training loss the loop reported over the steps since the previous probe (NaN when it reported none). Tells
    /// overfitting (held-out error rising while it falls) from instability (both rising).
    /// </summary>
    public double TrainingLoss { get; init; } = double.NaN;

    /// <summary>
    /// Steps the frozen kernel would need at the current learning rate to halve the error energy (the measure's modes each
    /// decaying as (1 − ηλ)^(2N)); NaN when the rate is unknown. Quoted in the reason of a stall.
    /// </summary>
    public double FrozenKernelHalfLife { get; init; } = double.NaN;

    /// <summary>
    /// Fraction of the error energy in the operator's null space (below the null floor): error the kernel cannot move at any
    /// learning rate and with any optimizer (a positive-definite preconditioner keeps the null space of J Jᵀ). NaN when unknown.
    /// </summary>
    public double NullEnergyFraction { get; init; } = double.NaN;

    /// <summary>
    /// Whether η·λ_max of the probe's operator is a stability margin of the training dynamics (default true). It is for
    /// squared error, where the operator is the loss's Gauss–Newton matrix; for cross-entropy it is not (the operator of the
    /// surprisals is not the loss's curvature), and the monitor sets this to false so η·λ_max is reported but never raises
    /// <see cref="TrainingRegime.Unstable"/>.
    /// </summary>
    public bool StabilityMarginApplies { get; init; } = true;
}
