namespace TrainMonitor.Regimes;

/// <summary>
/// A divergence the tracker is holding <see cref="TrainingRegime.Unstable"/> for: since which step, the held-out loss (median
/// of the three probes before) and training loss before it, which the run must come back to before it is released, and the
/// band of the ln held-out loss within which it counts as back (half the rise threshold when it started, at least the
/// tolerance).
/// </summary>
internal sealed record UnstableEpisode(long Since, double ReferenceLevel, double ReferenceTrainingLoss, double Band);
