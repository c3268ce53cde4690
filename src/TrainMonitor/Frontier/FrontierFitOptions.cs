namespace TrainMonitor.Frontier;

/// <summary>
/// Settings of the resolution-frontier fit (<see cref="FrontierFit"/>). Settable so that the options
/// pattern can bind them from configuration; checked when <see cref="FrontierFit"/> runs.
/// </summary>
public sealed class FrontierFitOptions
{
    /// <summary>
    /// Fewest shells with energy &gt; 0 that a fit may use (default 4). The model has three parameters
    /// (a, s, φ); with three shells it always fits exactly and R² says nothing, so values below 4 are rejected.
    /// </summary>
    public int MinimumShells { get; set; } = 4;

    /// <summary>
    /// Lowest coefficient of determination of the fit, computed on ln E, for the frontier to count as
    /// determined (default 0.9, kept by the validation runs, docs/validation.md). Between 0 and 1.
    /// </summary>
    public double MinimumR2 { get; set; } = 0.9;

    /// <summary>
    /// How deep a dip between two peaks must be to call the profile multimodal, as a factor in energy
    /// (default 4). A shell j is a dip of depth <c>min(max_{i&lt;j} E_i, max_{k&gt;j} E_k) / E_j</c>; the profile
    /// is multimodal when its deepest dip exceeds this factor. A tolerance of 1 rejects every dip at all;
    /// <see cref="double.PositiveInfinity"/> switches the test off. Must be at least 1.
    /// </summary>
    /// <remarks>
    /// Only shells with energy &gt; 0 take part: an empty shell between two occupied ones is a gap, not a dip
    /// (see <see cref="FrontierFit"/>). The factor is generous on purpose: Gauss-quadrature profiles put mass at
    /// a few nodes, so neighbouring shells of a smooth spectrum can differ by a factor 2–3 by chance.
    /// </remarks>
    public double UnimodalityTolerance { get; set; } = 4.0;

    /// <summary>
    /// How far beyond the observed band, in units of ln λ, the fitted frontier may lie and still count as
    /// determined (default 1, i.e. a factor e ≈ 2.7 in λ beyond the outermost occupied shell centres).
    /// This is the "scan range" of the fit: <c>φ ∈ [x_min − margin, x_max + margin]</c>. An optimum outside
    /// it means the cutoff is not seen in the band, and the frontier is undetermined. Finite, ≥ 0.
    /// </summary>
    public double BandMargin { get; set; } = 1.0;

    /// <summary>
    /// Shells whose energy is below this fraction of the peak shell's energy are left out of the fit and of the
    /// unimodality test (default 1e-6; in [0, 1], 0 keeps every occupied shell).
    /// </summary>
    /// <remarks>
    /// Far above the frontier the energy falls as <c>exp(−λ/λ_f)</c> and soon reaches the round-off floor of the
    /// quadrature weights (about ε²·‖e‖²/n), where shell energies are noise that the model, fitted on ln E, would chase across thirty decades. Gradient descent also decays
    /// as <c>(1 − ηλ)^(2t)</c>, not <c>exp(−2ηλt)</c>, which differs visibly only deep in the resolved region. Six decades
    /// below the peak still keep about four shells (q = 2) of the cutoff, enough to pin φ; the choice is measured in
    /// docs/validation.md (case 1).
    /// </remarks>
    public double DynamicRange { get; set; } = 1e-6;

    /// <summary>
    /// Fit the model integrated over each shell, <c>E_α = e^a ∫_shell exp(s·u − e^{u−φ}) du</c> (u = ln λ), instead of
    /// sampled at the shell centre (default true). A shell energy is such an integral, so this removes the binning bias
    /// of the centre-sampled fit (measured in docs/validation.md, case 1). The centre-sampled linear solution is the starting point of the refinement.
    /// </summary>
    public bool IntegrateOverShell { get; set; } = true;

    /// <summary>
    /// Fewest quadrature nodes per probe batch a shell needs to carry a density (default 4; 0 keeps every shell). The run of
    /// shells at the top of the profile, down from λ_max, that hold fewer (empty ones included) is left out of the fit and of
    /// the unimodality test, and its energy is reported as the fit's outlier energy. Only the top is treated so: it is where
    /// a finite spectrum is sparse (the few largest eigenvalues of an NTK-like operator stand apart from the bulk), and an
    /// empty shell next to one outlier there reads as a "dip" that tests the discreteness of the spectrum, not the dynamics.
    /// The default is set from the validation runs (docs/validation.md). Finite, ≥ 0.
    /// </summary>
    public double MinimumOccupancy { get; set; } = 4;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> if a setting is out of its documented range.</summary>
    public void Validate()
    {
        if (MinimumShells < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumShells), MinimumShells,
                "At least 4 shells are needed: the model has 3 parameters and a 3-shell fit is always exact.");
        }

        if (!(MinimumR2 >= 0.0 && MinimumR2 <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumR2), MinimumR2, "The minimum R² must lie in [0, 1].");
        }

        if (!(UnimodalityTolerance >= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(UnimodalityTolerance), UnimodalityTolerance,
                "The unimodality tolerance is a factor in energy and must be at least 1 (or +∞ to disable the test).");
        }

        if (!(DynamicRange >= 0.0 && DynamicRange <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(DynamicRange), DynamicRange, "The dynamic range is a fraction of the peak energy and must lie in [0, 1].");
        }

        if (!(MinimumOccupancy >= 0.0) || double.IsInfinity(MinimumOccupancy))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumOccupancy), MinimumOccupancy, "The minimum occupancy must be finite and ≥ 0 (nodes per batch; 0 keeps every shell).");
        }

        if (!(BandMargin >= 0.0) || double.IsInfinity(BandMargin))
        {
            throw new ArgumentOutOfRangeException(nameof(BandMargin), BandMargin, "The band margin must be finite and ≥ 0 (units of ln λ).");
        }
    }

    /// <summary>A copy (every setting is a value).</summary>
    internal FrontierFitOptions Copy() => (FrontierFitOptions)MemberwiseClone();
}
