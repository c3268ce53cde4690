namespace TrainMonitor.Outputs;

/// <summary>
/// The resolution frontier of a probe: the energy-quantile frontier λ_f(p) with its certified interval (the headline
/// figure), and the amplitude–frontier fit beside it (<see cref="Fit"/>).
/// </summary>
/// <param name="Lambda">
/// The eigenvalue above which a fraction <paramref name="EnergyFraction"/> of the non-null error energy lies; NaN when
/// undetermined (zero or non-finite error, everything below the null floor, or a file that did not record it).
/// </param>
/// <param name="LambdaLower">Certified lower end of λ_f (equal to λ_f on the exact paths).</param>
/// <param name="LambdaUpper">Certified upper end of λ_f (may be +∞ under Lanczos).</param>
/// <param name="EnergyFraction">The fraction p of the non-null energy above λ_f (<c>Probe:FrontierEnergyFraction</c>).</param>
/// <param name="Reason">Null when λ_f is determined; otherwise why not.</param>
/// <param name="Fit">The amplitude–frontier fit of the shell profile, with its own reason when undetermined.</param>
public sealed record FrontierSnapshot(double Lambda, double LambdaLower, double LambdaUpper, double EnergyFraction, string? Reason, FrontierFitSnapshot Fit)
{
    /// <summary>True when the quantile frontier λ_f was determined.</summary>
    public bool IsDetermined => Reason is null;
}
