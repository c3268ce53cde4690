namespace TrainMonitor.Checkpoints;

/// <summary>
/// How one shell's energy varies over the probe batches: the profile a probe reports is the mean of the batches'
/// profiles, and the spread says how much of a difference between two profiles the choice of batches alone could make.
/// </summary>
/// <param name="Index">The shell's index α (it covers [q^α, q^{α+1})).</param>
/// <param name="Mean">Mean over the batches of the shell's energy: the probe's estimate, up to round-off.</param>
/// <param name="StandardDeviation">Sample standard deviation over the batches (divisor B − 1); NaN with one batch.</param>
/// <param name="Min">Smallest batch energy.</param>
/// <param name="Max">Largest batch energy.</param>
public sealed record ShellBatchSpread(int Index, double Mean, double StandardDeviation, double Min, double Max);
