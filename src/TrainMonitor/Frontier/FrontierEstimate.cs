namespace TrainMonitor.Frontier;

/// <summary>
/// Result of a resolution-frontier fit: either a determined frontier with its fitted parameters, or
/// "undetermined" with NaN parameters and a human-readable <see cref="Reason"/> (never a made-up number).
/// </summary>
/// <remarks>
/// The model, per shell with x = ln(shell centre): <c>ln E(x) = a + s·x − exp(x − φ)</c>, <c>λ_f = e^φ</c>.
/// Create instances with <see cref="Determined"/> or <see cref="Undetermined"/>; the properties are read-only,
/// so a determined estimate always has finite parameters and an undetermined one always has a reason.
/// </remarks>
public sealed record FrontierEstimate
{
    private FrontierEstimate(double lambda, double tailExponent, double amplitude, double r2, int shellsUsed, int? peakShellIndex, string? reason)
    {
        Lambda = lambda;
        TailExponent = tailExponent;
        Amplitude = amplitude;
        R2 = r2;
        ShellsUsed = shellsUsed;
        PeakShellIndex = peakShellIndex;
        Reason = reason;
    }

    /// <summary>The frontier <c>λ_f = e^φ</c>; NaN when undetermined.</summary>
    public double Lambda { get; }

    /// <summary>The tail exponent s (energy per unit ln λ grows as λ^s below the frontier); NaN when undetermined.</summary>
    public double TailExponent { get; }

    /// <summary>The amplitude a (ln E at x = ln λ = 0 without the cutoff term); NaN when undetermined.</summary>
    public double Amplitude { get; }

    /// <summary>
    /// R² of the fit on ln E. Reported whenever a fit was made, also when the frontier is undetermined
    /// because it lies outside the band (then it is the R² of the best fit with φ at the edge of the range) or
    /// because the fit is poor; NaN when no fit was made or ln E is constant.
    /// </summary>
    public double R2 { get; }

    /// <summary>Number of shells with energy &gt; 0 (the shells a fit uses).</summary>
    public int ShellsUsed { get; }

    /// <summary>Index α of the shell with the largest energy (the first on ties); null only when no shell has energy.</summary>
    public int? PeakShellIndex { get; }

    /// <summary>True when <see cref="Lambda"/>, <see cref="TailExponent"/> and <see cref="Amplitude"/> are fitted values.</summary>
    public bool IsDetermined => Reason is null;

    /// <summary>Null when determined; otherwise a short explanation, e.g. "fit R² 0.41 below 0.90".</summary>
    public string? Reason { get; }

    /// <summary>
    /// Error energy in the sparse top shells left out of the fit and of the unimodality test (isolated outlier
    /// eigenvalues, see <see cref="FrontierFitOptions.MinimumOccupancy"/>); 0 when none were left out.
    /// </summary>
    public double OutlierEnergy { get; internal init; }

    /// <summary>Number of sparse top shells left out (empty ones among them included).</summary>
    public int OutlierShells { get; internal init; }

    /// <summary>A determined frontier. All parameters must be finite and <paramref name="lambda"/> positive.</summary>
    public static FrontierEstimate Determined(double lambda, double tailExponent, double amplitude, double r2, int shellsUsed, int peakShellIndex)
    {
        if (!(lambda > 0.0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "A determined frontier must be finite and positive.");
        }

        if (!double.IsFinite(tailExponent) || !double.IsFinite(amplitude) || !double.IsFinite(r2))
        {
            throw new ArgumentException("A determined frontier needs finite tail exponent, amplitude and R².");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(shellsUsed);
        return new FrontierEstimate(lambda, tailExponent, amplitude, r2, shellsUsed, peakShellIndex, null);
    }

    /// <summary>An undetermined frontier: NaN parameters, with the <paramref name="reason"/> why.</summary>
    public static FrontierEstimate Undetermined(string reason, int shellsUsed, int? peakShellIndex, double r2 = double.NaN)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentOutOfRangeException.ThrowIfNegative(shellsUsed);
        return new FrontierEstimate(double.NaN, double.NaN, double.NaN, r2, shellsUsed, peakShellIndex, reason);
    }
}
