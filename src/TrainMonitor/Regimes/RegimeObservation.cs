using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>What the regime tracker needs from one probe.</summary>
/// <param name="Step">Optimiser step of the probe (≥ 1; the tracker works in ln t).</param>
/// <param name="LearningRate">Learning rate at that step, when known (for the stability margin).</param>
/// <param name="ErrorEnergy">Error energy ‖e‖²/n on the probe set.</param>
/// <param name="FrontierLambda">Fitted frontier λ_f, NaN when undetermined.</param>
/// <param name="TailExponent">Fitted tail exponent s, NaN when undetermined.</param>
/// <param name="LambdaMax">Largest eigenvalue seen.</param>
/// <param name="Sketch">Kernel sketch of the probe, null when sketching is off.</param>
public sealed record RegimeObservation(long Step, double? LearningRate, double ErrorEnergy, double FrontierLambda, double TailExponent, double LambdaMax, KernelSketch? Sketch)
{
    /// <summary>
    /// Transport fraction of the interval since the previous probe (the energy budget), NaN when the probe has none; used
    /// only when <see cref="RegimeThresholds.UseTransport"/> is on.
    /// </summary>
    public double TransportFraction { get; init; } = double.NaN;
}
