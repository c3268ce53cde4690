namespace TrainMonitor.Benchmarks;

/// <summary>
/// One eigenvalue interval of a shell profile (a shell, the null interval or the part above the top shell):
/// the Gauss estimate, the certified interval and the exact energy, all in absolute units.
/// </summary>
/// <param name="Label">"null", "above" or the shell index.</param>
/// <param name="LambdaLower">Lower edge (inclusive); −∞ for the null interval.</param>
/// <param name="LambdaUpper">Upper edge (exclusive); +∞ for the interval above the top shell.</param>
/// <param name="Estimate">Sum of the Gauss weights in the interval.</param>
/// <param name="Lower">Certified lower bound.</param>
/// <param name="Upper">Certified upper bound.</param>
/// <param name="Exact">Exact energy from the eigendecomposition.</param>
/// <param name="IsShell">True for the profile's shells, false for the null and above intervals.</param>
internal sealed record IntervalCheck(string Label, double LambdaLower, double LambdaUpper, double Estimate, double Lower, double Upper, double Exact, bool IsShell)
{
    /// <summary>How far the exact energy lies outside [Lower, Upper] (0 when inside), in absolute units.</summary>
    public double Excess => Math.Max(0, Math.Max(Lower - Exact, Exact - Upper));

    public double Width => Upper - Lower;

    public double EstimateError => Math.Abs(Estimate - Exact);
}
