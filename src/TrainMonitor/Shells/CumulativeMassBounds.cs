namespace TrainMonitor.Shells;

/// <summary>
/// Certified bounds on the cumulative mass of a spectral measure at a point b:
/// <c>Lower ≤ μ((−∞, b)) ≤ μ((−∞, b]) ≤ Upper</c>.
/// </summary>
/// <param name="Lower">Lower bound on the mass strictly below b.</param>
/// <param name="Upper">Upper bound on the mass at or below b.</param>
public readonly record struct CumulativeMassBounds(double Lower, double Upper);
