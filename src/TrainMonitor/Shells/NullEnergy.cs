namespace TrainMonitor.Shells;

/// <summary>
/// Error energy below the null floor (eigenvalues <c>&lt; Floor</c>, and all non-positive ones): the Gauss estimate
/// and certified bounds.
/// </summary>
/// <param name="Floor">The floor as an eigenvalue.</param>
/// <param name="Estimate">Sum of the Gauss weights on nodes below the floor.</param>
/// <param name="Lower">Certified lower bound on <c>μ((−∞, Floor))</c>.</param>
/// <param name="Upper">Certified upper bound on <c>μ((−∞, Floor])</c>.</param>
public sealed record NullEnergy(double Floor, double Estimate, double Lower, double Upper);
