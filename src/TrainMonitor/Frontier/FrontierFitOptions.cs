namespace TrainMonitor.Frontier;

/// <summary>
/// Settings of the resolution-frontier fit (<see cref="FrontierFit"/>). Settable so that the options
/// pattern can bind them from configuration; checked when <see cref="FrontierFit.Fit"/> runs.
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
    /// determined (default 0.9, provisional until the validation runs re-tune it). Between 0 and 1.
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

        if (!(BandMargin >= 0.0) || double.IsInfinity(BandMargin))
        {
            throw new ArgumentOutOfRangeException(nameof(BandMargin), BandMargin, "The band margin must be finite and ≥ 0 (units of ln λ).");
        }
    }
}
