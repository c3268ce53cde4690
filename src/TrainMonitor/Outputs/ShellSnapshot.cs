namespace TrainMonitor.Outputs;

/// <summary>One shell [LambdaLower, LambdaUpper) of a probe: Gauss estimate and certified bounds of its energy.</summary>
/// <param name="Index">Shell index α.</param>
/// <param name="LambdaLower">Lower edge.</param>
/// <param name="LambdaUpper">Upper edge.</param>
/// <param name="Estimate">Gauss estimate of the shell's energy.</param>
/// <param name="Lower">Certified lower bound.</param>
/// <param name="Upper">Certified upper bound.</param>
/// <param name="Occupancy">Quadrature nodes (eigenvalues or Ritz values) in the shell over all batches; null when the file did not record it.</param>
public sealed record ShellSnapshot(int Index, double LambdaLower, double LambdaUpper, double Estimate, double Lower, double Upper, int? Occupancy = null);
