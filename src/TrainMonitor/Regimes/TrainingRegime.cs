namespace TrainMonitor.Regimes;

/// <summary>What the run is doing, as told from the probe history (DESIGN §1.5).</summary>
public enum TrainingRegime
{
    /// <summary>Too few probes to tell.</summary>
    WarmingUp = 0,

    /// <summary>Error energy growing, or the stability margin η·λ_max at or above 2.</summary>
    Unstable = 1,

    /// <summary>The kernel moves: energy is carried between shells (kernel velocity above threshold).</summary>
    FeatureLearning = 2,

    /// <summary>Kernel frozen, frontier still advancing: lazy training that is still making progress.</summary>
    LazyProgressing = 3,

    /// <summary>Kernel frozen and frontier stalled for several probes: the remaining error sits where the frozen kernel will not reach.</summary>
    LazyStagnant = 4,
}
