namespace TrainMonitor.Regimes;

/// <summary>
/// Everything the decision rules read at one probe, computed by <see cref="RegimeTracker"/> from the probe and its
/// history. NaN where the history is too short or a quantity is unknown.
/// </summary>
internal readonly record struct RegimeSignals
{
    public required RegimeObservation Observation { get; init; }

    public required int ProbeCount { get; init; }

    /// <summary>Step of the previous probe (0 before the first).</summary>
    public required long PreviousStep { get; init; }

    public required double KernelAngle { get; init; }

    public required double OutputChange { get; init; }

    /// <summary>Relative output change per unit ln t over the last interval.</summary>
    public required double OutputSpeed { get; init; }

    public required double KernelVelocity { get; init; }

    /// <summary>Whether the kernel velocity crosses the threshold that applies (the lower one while feature learning).</summary>
    public required bool KernelMoving { get; init; }

    public required string? KernelNote { get; init; }

    public required double Transport { get; init; }

    public required bool TransportMoving { get; init; }

    /// <summary>Consecutive probes whose outputs stood still, and the step of the last probe before them at which they moved.</summary>
    public required int FrozenProbes { get; init; }

    public required long FrozenSince { get; init; }

    /// <summary>Consecutive slowly stalled ln-t-spaced probes (kernel frozen, frontier and energy not advancing).</summary>
    public required int SlowStalledProbes { get; init; }

    public required double FrontierVelocity { get; init; }

    public required double MeasuredExponent { get; init; }

    public required double Margin { get; init; }

    /// <summary>Threshold of a rise in the ln held-out loss: max(ln(1 + tolerance), multiplier · noise).</summary>
    public required double RiseThreshold { get; init; }

    /// <summary>Threshold of a rise of the smoothed ln held-out loss (median of three probes, about half as noisy as one).</summary>
    public required double SmoothedRiseThreshold { get; init; }

    public required double LossNoise { get; init; }

    /// <summary>ln of the current held-out loss over the best so far.</summary>
    public required double Jump { get; init; }

    /// <summary>ln of the smoothed (median of three) held-out loss over its best so far.</summary>
    public required double SmoothedRise { get; init; }

    /// <summary>The held-out level the trends are judged on: the probe loss (the error energy without one).</summary>
    public required double Level { get; init; }

    /// <summary>Smoothed held-out loss as it stood at the previous probe: the level before a divergence seen now.</summary>
    public required double PreviousSmoothedLoss { get; init; }

    public required double BestLoss { get; init; }

    public required long BestLossStep { get; init; }

    public required double BestSmoothedLoss { get; init; }

    public required long BestSmoothedStep { get; init; }

    /// <summary>Mean training loss over the interval at the probe where the smoothed held-out loss was best.</summary>
    public required double TrainingLossAtBest { get; init; }

    /// <summary>Mean training loss over the interval at the probe where the held-out loss itself was best.</summary>
    public required double TrainingLossAtBestLoss { get; init; }

    /// <summary>
    /// The held-out loss was above its best by more than the tolerance at this probe and the one before, while the training
    /// loss fell by <see cref="RegimeThresholds.GeneralizationGapFactor"/> or more since that best.
    /// </summary>
    public required bool GapWidened { get; init; }

    /// <summary>Smallest mean training loss of the recent probes before this one.</summary>
    public required double RecentBestTrainingLoss { get; init; }

    public required double FirstLoss { get; init; }

    public required long FirstStep { get; init; }

    public required double LargestLearningRate { get; init; }

    /// <summary>The training loss rose beyond its tolerance over its recent best (false when unknown).</summary>
    public bool TrainingLossRising => TrainingLossKnown
        && (!double.IsFinite(Observation.TrainingLoss)
            || (double.IsFinite(RecentBestTrainingLoss) && Observation.TrainingLoss > RecentBestTrainingLoss * (1.0 + TrainingTolerance)));

    /// <summary>Whether a training loss is known for this probe (finite or not: an infinite loss is known to have diverged).</summary>
    public bool TrainingLossKnown => !double.IsNaN(Observation.TrainingLoss);

    public required double TrainingTolerance { get; init; }

    /// <summary>The run has learned: its held-out loss fell by the learning drop below the first probe's, or it was feature learning.</summary>
    public required bool HasLearned { get; init; }
}
