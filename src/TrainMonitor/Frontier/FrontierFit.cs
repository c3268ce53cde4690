using System.Globalization;
using TrainMonitor.Shells;

namespace TrainMonitor.Frontier;

/// <summary>
/// Fits the amplitude–frontier model <c>ln E(x) = a + s·x − exp(x − φ)</c> to a shell-energy profile
/// (x = ln of the shell centre) and reports the resolution frontier <c>λ_f = e^φ</c>.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> With <c>β = exp(x_max − φ)</c> the model reads <c>ln E = a + s·x − β·exp(x − x_max)</c>,
/// which is linear in (a, s, β). Scanning φ and solving the linear least squares for (a, s) at each φ (the
/// fit as first specified) therefore minimises a residual that, as a function of β, is a convex
/// quadratic: it has a single minimum, and the scan would converge to the closed-form solution of the
/// three-column least-squares problem that is computed here directly (orthogonal columns, Gram–Schmidt done
/// twice), with no grid resolution to choose. The scan's "optimum at the edge of the range" becomes: the
/// unconstrained optimum has β ≤ 0 (no cutoff: the frontier lies above the band) or
/// φ outside <c>[x_min − m, x_max + m]</c> with m = <see cref="FrontierFitOptions.BandMargin"/>; the frontier is
/// then undetermined and R² is that of the best fit with φ at the violated edge.</para>
/// <para><b>Empty shells are gaps.</b> Only shells with energy &gt; 0 are used, both in the fit (ln 0 is not data)
/// and in the unimodality test: an empty shell between two occupied ones is skipped, not counted as a dip.
/// A Gauss-quadrature profile has at most m nodes, so a smooth spectrum leaves empty shells wherever nodes are
/// sparser than shells; calling those dips would reject most real profiles. A genuinely bimodal spectrum is
/// still caught when the occupied shells next to the gap carry less energy than the two peaks by more than the
/// tolerance; two single-shell spikes separated only by empty shells are not (the fit's R² then decides).</para>
/// <para><b>Binning bias.</b> The model is exact for energy per unit ln λ sampled at the shell centre; a shell
/// energy integrates that density over the shell, which changes ln E by about
/// <c>(h²/24)[(s − w)² − w]</c> (h = ln q, w = e^{x−φ}). The constant and the term in w are absorbed by a and
/// by a shift of φ by <c>−ln(1 + (2s+1)h²/24)</c>; the w² term is not, and pulls φ upward when the band reaches
/// deep into the cutoff. For q = 2 and a continuum <c>λ^s e^{−λ/λ_f}</c> sampled up to 4λ_f the net effect is
/// below 0.1 in φ and 0.005 in s; up to 16λ_f it is about 0.2 in φ and 0.03 in s (see the tests).</para>
/// <para><b>Refinements set by the validation runs</b> (docs/validation.md): shells past the peak below
/// <see cref="FrontierFitOptions.DynamicRange"/> of the peak energy are left out (round-off floor); with
/// <see cref="FrontierFitOptions.IntegrateOverShell"/> (default) the centre-sampled solution above is refined for the
/// model integrated over each shell, which removes the binning bias just described; and a dip counts only when
/// certified bounds prove it (the overload with bounds).</para>
/// <para>Checks, in order: input energies finite and ≥ 0; at least
/// <see cref="FrontierFitOptions.MinimumShells"/> shells with energy within the dynamic range; unimodal within
/// <see cref="FrontierFitOptions.UnimodalityTolerance"/> (on the bounds when given); frontier inside the range; R²
/// at least <see cref="FrontierFitOptions.MinimumR2"/>. The first failing check gives the reason.</para>
/// </remarks>
public static class FrontierFit
{
    /// <summary>
    /// Fits the frontier model to a probe's shell profile: the sparse top shells (fewer than
    /// <see cref="FrontierFitOptions.MinimumOccupancy"/> nodes per batch, down from λ_max) are left out and their energy is
    /// reported as <see cref="FrontierEstimate.OutlierEnergy"/>; the rest is fitted with its certified bounds.
    /// </summary>
    public static FrontierEstimate Fit(ShellProfile profile, FrontierFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (bulk, outlierEnergy, outlierShells) = ProfileScreen.Bulk(profile, options);
        var estimate = Fit(
            bulk.Select(s => s.Index).ToArray(),
            bulk.Select(s => profile.Grid.LogCentre(s.Index)).ToArray(),
            bulk.Select(s => s.Estimate).ToArray(),
            bulk.Select(s => s.Lower).ToArray(),
            bulk.Select(s => s.Upper).ToArray(),
            options);
        return estimate with { OutlierEnergy = outlierEnergy, OutlierShells = outlierShells };
    }

    /// <summary>Fits the frontier model to one shell profile.</summary>
    /// <param name="shellIndices">Shell indices α (shell α covers [q^α, q^{α+1})); any order, no duplicates.</param>
    /// <param name="logCentres">ln of each shell's centre, finite and increasing with the shell index.</param>
    /// <param name="energies">Shell energies; 0 for an empty shell. NaN, infinite or negative values make the result undetermined.</param>
    /// <param name="options">Fit settings; validated here.</param>
    /// <returns>The estimate; never throws for a profile that is merely unfit, only for malformed arguments.</returns>
    /// <exception cref="ArgumentException">Lists of different lengths, duplicate indices, or centres not increasing with the index.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static FrontierEstimate Fit(
        IReadOnlyList<int> shellIndices,
        IReadOnlyList<double> logCentres,
        IReadOnlyList<double> energies,
        FrontierFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(energies);
        return Fit(shellIndices, logCentres, energies, energies, energies, options);
    }

    /// <summary>
    /// Fits the frontier model to one shell profile whose energies carry certified bounds: the unimodality test then
    /// calls a dip a second mode only when the bounds prove it (see <see cref="FrontierFitOptions.UnimodalityTolerance"/>).
    /// </summary>
    /// <param name="shellIndices">Shell indices α; any order, no duplicates.</param>
    /// <param name="logCentres">ln of each shell's centre.</param>
    /// <param name="energies">Shell energy estimates (what is fitted).</param>
    /// <param name="lowerBounds">Certified lower bound of each shell's energy.</param>
    /// <param name="upperBounds">Certified upper bound of each shell's energy.</param>
    /// <param name="options">Fit settings; validated here.</param>
    public static FrontierEstimate Fit(
        IReadOnlyList<int> shellIndices,
        IReadOnlyList<double> logCentres,
        IReadOnlyList<double> energies,
        IReadOnlyList<double> lowerBounds,
        IReadOnlyList<double> upperBounds,
        FrontierFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(shellIndices);
        ArgumentNullException.ThrowIfNull(logCentres);
        ArgumentNullException.ThrowIfNull(energies);
        ArgumentNullException.ThrowIfNull(lowerBounds);
        ArgumentNullException.ThrowIfNull(upperBounds);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var count = shellIndices.Count;
        if (logCentres.Count != count || energies.Count != count || lowerBounds.Count != count || upperBounds.Count != count)
        {
            throw new ArgumentException(
                $"shellIndices, logCentres, energies and bounds must have one entry per shell; got {count}, {logCentres.Count}, {energies.Count}, {lowerBounds.Count} and {upperBounds.Count}.");
        }

        var order = Enumerable.Range(0, count).OrderBy(i => shellIndices[i]).ToArray();
        for (var k = 0; k < count; k++)
        {
            var i = order[k];
            if (!double.IsFinite(logCentres[i]))
            {
                throw new ArgumentException($"The log-centre of shell {shellIndices[i]} is not finite ({logCentres[i]}).", nameof(logCentres));
            }

            if (k > 0)
            {
                var previous = order[k - 1];
                if (shellIndices[i] == shellIndices[previous])
                {
                    throw new ArgumentException($"Shell index {shellIndices[i]} appears more than once.", nameof(shellIndices));
                }

                if (!(logCentres[i] > logCentres[previous]))
                {
                    throw new ArgumentException(
                        $"Log-centres must increase with the shell index; shell {shellIndices[i]} has {logCentres[i]}, shell {shellIndices[previous]} has {logCentres[previous]}.",
                        nameof(logCentres));
                }
            }
        }

        var screen = ProfileScreen.Of(order, shellIndices, logCentres, energies, lowerBounds, upperBounds, options);
        if (screen.Failure is { } failure)
        {
            return failure;
        }

        var (shells, xs, es) = (screen.Shells, screen.LogCentres, screen.Energies);
        var used = shells.Count;
        var peakShell = screen.PeakShell!.Value;
        if (screen.Dip.Depth > options.UnimodalityTolerance)
        {
            return FrontierEstimate.Undetermined($"profile is not unimodal: {screen.DipText(options)}", used, peakShell);
        }

        var x = xs.ToArray();
        var y = es.Select(e => Math.Log(e)).ToArray();
        var xMin = x[0];
        var xMax = x[^1];
        var phiLow = xMin - options.BandMargin;
        var phiHigh = xMax + options.BandMargin;
        var tss = AmplitudeFrontierLeastSquares.SumOfSquaredDeviations(y);

        if (!AmplitudeFrontierLeastSquares.TryFitFree(x, y, out var freeA, out var freeS, out var beta, out var freeRss))
        {
            return FrontierEstimate.Undetermined("shell centres too close together to separate slope from cutoff", used, peakShell);
        }

        var phi = beta > 0.0 ? xMax - Math.Log(beta) : double.PositiveInfinity;
        if (phi > phiHigh)
        {
            var edgeR2 = AmplitudeFrontierLeastSquares.RSquared(AmplitudeFrontierLeastSquares.FitAtFixedPhi(x, y, phiHigh, out _, out _), tss);
            var why = beta > 0.0
                ? Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies above the range limit {Math.Exp(phiHigh):g3}")
                : "frontier outside the observed band: the profile shows no high-λ cutoff";
            return FrontierEstimate.Undetermined(why, used, peakShell, edgeR2);
        }

        if (phi < phiLow)
        {
            var edgeR2 = AmplitudeFrontierLeastSquares.RSquared(AmplitudeFrontierLeastSquares.FitAtFixedPhi(x, y, phiLow, out _, out _), tss);
            return FrontierEstimate.Undetermined(
                Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies below the range limit {Math.Exp(phiLow):g3}"),
                used, peakShell, edgeR2);
        }

        if (options.IntegrateOverShell && TryGetShellWidth(shells, x, out var width))
        {
            // Refine (s, φ) for the model integrated over each shell, starting from the centre-sampled solution; the
            // range checks then apply to the refined frontier.
            ShellIntegralRefinement.RefineIntegrated(x, y, width, ref freeS, ref phi, out freeA, out freeRss);
            if (!(phi <= phiHigh && phi >= phiLow))
            {
                return FrontierEstimate.Undetermined(
                    Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies outside [{Math.Exp(phiLow):g3}, {Math.Exp(phiHigh):g3}]"),
                    used, peakShell, AmplitudeFrontierLeastSquares.RSquared(freeRss, tss));
            }
        }

        var r2 = AmplitudeFrontierLeastSquares.RSquared(freeRss, tss);
        if (!(r2 >= options.MinimumR2))
        {
            return FrontierEstimate.Undetermined(Format($"fit R² {r2:0.0###} below {options.MinimumR2:0.0###}"), used, peakShell, r2);
        }

        return FrontierEstimate.Determined(Math.Exp(phi), freeS, freeA, r2, used, peakShell);
    }

    /// <summary>Width h = ln q of the (uniform) grid, from any two shells: (x_j − x_i) / (α_j − α_i).</summary>
    private static bool TryGetShellWidth(List<int> shells, double[] x, out double width)
    {
        width = (x[^1] - x[0]) / (shells[^1] - shells[0]);
        return double.IsFinite(width) && width > 0.0;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
