namespace TrainMonitor.Shells;

/// <summary>
/// Error energy in one spectral shell <c>[LambdaLower, LambdaUpper)</c>: the Gauss estimate and certified bounds.
/// </summary>
/// <param name="Index">Shell index α on the grid.</param>
/// <param name="LambdaLower">Lower edge (inclusive): <c>q^α</c>, or the null floor for the lowest shell.</param>
/// <param name="LambdaUpper">Upper edge (exclusive): <c>q^(α+1)</c>.</param>
/// <param name="Estimate">Sum of the Gauss weights whose nodes lie in the shell.</param>
/// <param name="Lower">Certified lower bound on the shell's energy.</param>
/// <param name="Upper">Certified upper bound on the shell's energy.</param>
/// <param name="Occupancy">
/// Quadrature nodes in the shell, summed over the probe batches: eigenvalues on the exact paths (every eigenvalue,
/// also those the error does not excite), Ritz values under Lanczos. A shell with few nodes carries isolated
/// eigenvalues, not a density (see <c>FrontierFitOptions.MinimumOccupancy</c>, which reads it).
/// </param>
public sealed record ShellEnergy(int Index, double LambdaLower, double LambdaUpper, double Estimate, double Lower, double Upper, int Occupancy);
