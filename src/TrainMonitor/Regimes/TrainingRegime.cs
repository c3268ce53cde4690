namespace TrainMonitor.Regimes;

/// <summary>What the run is doing, as told from the probe history (DESIGN §1.5, docs/engine.md "Regimes").</summary>
/// <remarks>The alert states are <see cref="Unstable"/>, <see cref="Overfitting"/>, <see cref="LazyStagnant"/> and <see cref="NotLearning"/>.</remarks>
public enum TrainingRegime
{
    /// <summary>Too few probes to tell.</summary>
    WarmingUp = 0,

    /// <summary>
    /// Diverging: the error energy is not finite, or the held-out error and the training loss grow together beyond their
    /// noise, or (squared error) η·λ_max is at or above the stability limit. Held until the error is back to its level
    /// before the divergence.
    /// </summary>
    Unstable = 1,

    /// <summary>The model's tangent kernel moves against its outputs: the network is learning features.</summary>
    FeatureLearning = 2,

    /// <summary>Tangent kernel frozen, error still falling: lazy (kernel-regime) training that is still making progress.</summary>
    LazyProgressing = 3,

    /// <summary>
    /// Learning stopped after the run had learned: the outputs no longer move, or the kernel is frozen and the error no longer
    /// falls; the remaining error sits where the frozen kernel will not reach.
    /// </summary>
    LazyStagnant = 4,

    /// <summary>The held-out error rises beyond its noise while the training loss keeps falling.</summary>
    Overfitting = 5,

    /// <summary>
    /// Learning stopped (as for <see cref="LazyStagnant"/>) in a run that never learned: its error never fell materially below
    /// the first probe's and its tangent kernel never moved (a dead network, a frozen model, a rate of zero from the start).
    /// </summary>
    NotLearning = 6,
}
