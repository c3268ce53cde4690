namespace TrainMonitor.EnergyBudget;

/// <summary>
/// Energy one gradient-descent step at the probe's learning rate removes from shell α of the error's spectral measure:
/// <c>D_α = Σ_{θ_j ∈ S_α} (2ηθ_j − η²θ_j²) w_j</c>, with certified bounds. Negative where ηθ &gt; 2 (the step grows
/// those modes).
/// </summary>
/// <param name="Index">Shell index α on the grid.</param>
/// <param name="LambdaLower">Lower edge of the shell (the null floor for the lowest shell).</param>
/// <param name="LambdaUpper">Upper edge of the shell.</param>
/// <param name="Estimate">Gauss-quadrature estimate of D_α (exact on the exact path).</param>
/// <param name="Lower">Certified lower bound.</param>
/// <param name="Upper">Certified upper bound.</param>
public sealed record ShellDissipation(int Index, double LambdaLower, double LambdaUpper, double Estimate, double Lower, double Upper);
