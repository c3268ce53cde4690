namespace TrainMonitor.Checkpoints;

/// <summary>One shell's energy at each Lanczos depth of a sweep, with its certified bounds (estimate and lower bound 0, upper bound +∞, where the shell lay outside a depth's profile: no node there, and no bound computed).</summary>
/// <param name="Index">The shell's index α.</param>
/// <param name="LambdaLower">Lower edge q^α.</param>
/// <param name="LambdaUpper">Upper edge q^{α+1}.</param>
/// <param name="Estimates">The energy estimate at each depth, in the order of the sweep's depths.</param>
/// <param name="Lower">Certified lower bound at each depth.</param>
/// <param name="Upper">Certified upper bound at each depth.</param>
public sealed record ShellDepthEnergies(int Index, double LambdaLower, double LambdaUpper, IReadOnlyList<double> Estimates, IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper);
