namespace TrainMonitor.EnergyBudget;

/// <summary>
/// One shell's energy budget over a probe interval: the energy measured at the later probe, the frozen-kernel prediction
/// from the earlier probe, their difference (the energy that arrived by transport) and the net flux across the shell's
/// lower edge, each with certified bounds (equal to the estimate on the exact path).
/// </summary>
/// <param name="Index">Shell index α on the grid.</param>
/// <param name="LambdaLower">Lower edge of the shell (the null floor for the lowest shell).</param>
/// <param name="LambdaUpper">Upper edge of the shell.</param>
/// <param name="Measured">Shell energy measured at the later probe.</param>
/// <param name="Predicted">Shell energy the frozen kernel predicts: the earlier measure propagated with the rates used.</param>
/// <param name="PredictedLower">Certified lower bound of <paramref name="Predicted"/>.</param>
/// <param name="PredictedUpper">Certified upper bound of <paramref name="Predicted"/>.</param>
/// <param name="Residual">Measured minus predicted: the energy transport brought into the shell (negative: took out).</param>
/// <param name="ResidualLower">Certified lower bound of <paramref name="Residual"/>.</param>
/// <param name="ResidualUpper">Certified upper bound of <paramref name="Residual"/>.</param>
/// <param name="Flux">
/// Net flux <c>J</c> across the shell's lower edge: the residuals of this shell and every shell above it. Positive when
/// the shells above the edge hold more energy than the frozen kernel leaves there.
/// </param>
/// <param name="FluxLower">Certified lower bound of <paramref name="Flux"/>.</param>
/// <param name="FluxUpper">Certified upper bound of <paramref name="Flux"/>.</param>
public sealed record ShellTransport(
    int Index,
    double LambdaLower,
    double LambdaUpper,
    double Measured,
    double Predicted,
    double PredictedLower,
    double PredictedUpper,
    double Residual,
    double ResidualLower,
    double ResidualUpper,
    double Flux,
    double FluxLower,
    double FluxUpper);
