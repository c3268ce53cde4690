namespace TrainMonitor.Outputs;

/// <summary>
/// The amplitude–frontier fit <c>ln E = a + s·ln λ − λ/λ_fit</c> of a probe's shell profile; <see cref="Lambda"/> is NaN and
/// <see cref="Reason"/> says why when undetermined.
/// </summary>
/// <param name="Lambda">The fitted cutoff λ_fit.</param>
/// <param name="TailExponent">The tail exponent s (energy per unit ln λ grows as λ^s below the cutoff).</param>
/// <param name="Amplitude">The amplitude a.</param>
/// <param name="R2">R² of the fit on ln E (NaN when no fit was made).</param>
/// <param name="ShellsUsed">Shells the fit used.</param>
/// <param name="PeakShell">Index of the shell with the largest energy among those considered.</param>
/// <param name="Reason">Null when determined; otherwise why not.</param>
/// <param name="OutlierEnergy">Energy of the sparse top shells left out of the fit (NaN when the file did not record it).</param>
/// <param name="OutlierShells">Number of sparse top shells left out.</param>
public sealed record FrontierFitSnapshot(
    double Lambda, double TailExponent, double Amplitude, double R2, int ShellsUsed, int? PeakShell, string? Reason,
    double OutlierEnergy = 0, int OutlierShells = 0)
{
    /// <summary>True when the fit was determined.</summary>
    public bool IsDetermined => Reason is null;

    /// <summary>A fit that was not made or not recorded.</summary>
    public static FrontierFitSnapshot Missing(string reason) => new(double.NaN, double.NaN, double.NaN, double.NaN, 0, null, reason, double.NaN, 0);
}
