namespace TrainMonitor.EnergyBudget;

/// <summary>
/// The budget of the band below the null floor over a probe interval: measured, predicted by the frozen kernel, and
/// their difference, with certified bounds.
/// </summary>
/// <param name="Floor">The later probe's null floor (absolute eigenvalue).</param>
/// <param name="Measured">Null energy measured at the later probe.</param>
/// <param name="Predicted">Null energy the frozen kernel predicts.</param>
/// <param name="PredictedLower">Certified lower bound of <paramref name="Predicted"/>.</param>
/// <param name="PredictedUpper">Certified upper bound of <paramref name="Predicted"/>.</param>
/// <param name="Residual">Measured minus predicted.</param>
/// <param name="ResidualLower">Certified lower bound of <paramref name="Residual"/>.</param>
/// <param name="ResidualUpper">Certified upper bound of <paramref name="Residual"/>.</param>
public sealed record NullTransport(double Floor, double Measured, double Predicted, double PredictedLower, double PredictedUpper,
    double Residual, double ResidualLower, double ResidualUpper);
