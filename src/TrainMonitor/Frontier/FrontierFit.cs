using System.Globalization;

namespace TrainMonitor.Frontier;

/// <summary>
/// Fits the amplitude–frontier model <c>ln E(x) = a + s·x − exp(x − φ)</c> to a shell-energy profile
/// (x = ln of the shell centre) and reports the resolution frontier <c>λ_f = e^φ</c>.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> With <c>β = exp(x_max − φ)</c> the model reads <c>ln E = a + s·x − β·exp(x − x_max)</c>,
/// which is linear in (a, s, β). Scanning φ and solving the linear least squares for (a, s) at each φ (the
/// method in the design notes) therefore minimises a residual that, as a function of β, is a convex
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
/// <para>Checks, in order: input energies finite and ≥ 0; at least
/// <see cref="FrontierFitOptions.MinimumShells"/> shells with energy; unimodal within
/// <see cref="FrontierFitOptions.UnimodalityTolerance"/>; frontier inside the range; R² at least
/// <see cref="FrontierFitOptions.MinimumR2"/>. The first failing check gives the reason.</para>
/// </remarks>
public static class FrontierFit
{
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
        ArgumentNullException.ThrowIfNull(shellIndices);
        ArgumentNullException.ThrowIfNull(logCentres);
        ArgumentNullException.ThrowIfNull(energies);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var count = shellIndices.Count;
        if (logCentres.Count != count || energies.Count != count)
        {
            throw new ArgumentException(
                $"shellIndices, logCentres and energies must have one entry per shell; got {count}, {logCentres.Count} and {energies.Count}.");
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

        var shells = new List<int>(count);
        var xs = new List<double>(count);
        var es = new List<double>(count);
        foreach (var i in order)
        {
            var e = energies[i];
            if (!double.IsFinite(e) || e < 0.0)
            {
                return FrontierEstimate.Undetermined(
                    Format($"shell {shellIndices[i]} has energy {e}: energies must be finite and non-negative"), 0, null);
            }

            if (e > 0.0)
            {
                shells.Add(shellIndices[i]);
                xs.Add(logCentres[i]);
                es.Add(e);
            }
        }

        var used = shells.Count;
        if (used == 0)
        {
            return FrontierEstimate.Undetermined("no shell carries energy", 0, null);
        }

        var peak = 0;
        for (var j = 1; j < used; j++)
        {
            if (es[j] > es[peak])
            {
                peak = j;
            }
        }

        var peakShell = shells[peak];
        if (used < options.MinimumShells)
        {
            var noun = used == 1 ? "shell carries" : "shells carry";
            return FrontierEstimate.Undetermined(Format($"only {used} {noun} energy (at least {options.MinimumShells} needed)"), used, peakShell);
        }

        var dip = DeepestDip(es);
        if (dip.Depth > options.UnimodalityTolerance)
        {
            return FrontierEstimate.Undetermined(
                Format($"profile is not unimodal: dip of {dip.Depth:0.#}× between shells {shells[dip.Left]} and {shells[dip.Right]} (tolerance {options.UnimodalityTolerance:0.#}×)"),
                used, peakShell);
        }

        var x = xs.ToArray();
        var y = es.Select(e => Math.Log(e)).ToArray();
        var xMin = x[0];
        var xMax = x[^1];
        var phiLow = xMin - options.BandMargin;
        var phiHigh = xMax + options.BandMargin;
        var tss = SumOfSquaredDeviations(y);

        if (!TryFitFree(x, y, out var freeA, out var freeS, out var beta, out var freeRss))
        {
            return FrontierEstimate.Undetermined("shell centres too close together to separate slope from cutoff", used, peakShell);
        }

        var phi = beta > 0.0 ? xMax - Math.Log(beta) : double.PositiveInfinity;
        if (phi > phiHigh)
        {
            var edgeR2 = RSquared(FitAtFixedPhi(x, y, phiHigh, out _, out _), tss);
            var why = beta > 0.0
                ? Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies above the range limit {Math.Exp(phiHigh):g3}")
                : "frontier outside the observed band: the profile shows no high-λ cutoff";
            return FrontierEstimate.Undetermined(why, used, peakShell, edgeR2);
        }

        if (phi < phiLow)
        {
            var edgeR2 = RSquared(FitAtFixedPhi(x, y, phiLow, out _, out _), tss);
            return FrontierEstimate.Undetermined(
                Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies below the range limit {Math.Exp(phiLow):g3}"),
                used, peakShell, edgeR2);
        }

        var r2 = RSquared(freeRss, tss);
        if (!(r2 >= options.MinimumR2))
        {
            return FrontierEstimate.Undetermined(Format($"fit R² {r2:0.0###} below {options.MinimumR2:0.0###}"), used, peakShell, r2);
        }

        return FrontierEstimate.Determined(Math.Exp(phi), freeS, freeA, r2, used, peakShell);
    }

    /// <summary>Deepest dip of a sequence: max over j of min(max left of j, max right of j) / E_j, with the two maxima's positions.</summary>
    private static (double Depth, int Left, int Right) DeepestDip(List<double> e)
    {
        var n = e.Count;
        var rightArgMax = new int[n];
        rightArgMax[n - 1] = n - 1;
        for (var j = n - 2; j >= 0; j--)
        {
            rightArgMax[j] = e[j] > e[rightArgMax[j + 1]] ? j : rightArgMax[j + 1];
        }

        (double Depth, int Left, int Right) best = (1.0, 0, 0);
        var leftArgMax = 0;
        for (var j = 1; j < n - 1; j++)
        {
            if (e[j - 1] > e[leftArgMax])
            {
                leftArgMax = j - 1;
            }

            var right = rightArgMax[j + 1];
            var depth = Math.Min(e[leftArgMax], e[right]) / e[j];
            if (depth > best.Depth)
            {
                best = (depth, leftArgMax, right);
            }
        }

        return best;
    }

    /// <summary>
    /// Least squares of y on the columns 1, x − x̄ and −exp(x − x_max): coefficients give a, s and β.
    /// The third column is orthogonalised against the first two twice (classical Gram–Schmidt, repeated).
    /// </summary>
    private static bool TryFitFree(double[] x, double[] y, out double a, out double s, out double beta, out double rss)
    {
        var n = x.Length;
        var xBar = x.Average();
        var dx = x.Select(v => v - xBar).ToArray();
        var dxNorm2 = dx.Sum(v => v * v);
        var w = x.Select(v => -Math.Exp(v - x[^1])).ToArray();
        var wNorm = Math.Sqrt(w.Sum(v => v * v));

        var wPerp = (double[])w.Clone();
        for (var pass = 0; pass < 2; pass++)
        {
            var mean = wPerp.Average();
            var along = Dot(wPerp, dx) / dxNorm2;
            for (var i = 0; i < n; i++)
            {
                wPerp[i] -= mean + along * dx[i];
            }
        }

        var perpNorm2 = wPerp.Sum(v => v * v);
        if (!(Math.Sqrt(perpNorm2) > 1e-12 * wNorm))
        {
            a = s = beta = rss = double.NaN;
            return false;
        }

        // y = c0 + c1·dx + cw·w; w = wPerp + (part in span{1, dx}), so cw is y's coefficient on wPerp.
        var cw = Dot(y, wPerp) / perpNorm2;
        var rest = new double[n];
        for (var i = 0; i < n; i++)
        {
            rest[i] = y[i] - cw * w[i];
        }

        var c1 = Dot(rest, dx) / dxNorm2;
        var c0 = rest.Average();
        rss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var r = rest[i] - c0 - c1 * dx[i];
            rss += r * r;
        }

        s = c1;
        a = c0 - c1 * xBar;
        beta = cw;
        return true;
    }

    /// <summary>Least squares for (a, s) with φ fixed; returns the residual sum of squares.</summary>
    private static double FitAtFixedPhi(double[] x, double[] y, double phi, out double a, out double s)
    {
        var n = x.Length;
        var t = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = y[i] + Math.Exp(x[i] - phi);
        }

        var xBar = x.Average();
        var tBar = t.Average();
        double sxx = 0, sxt = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (x[i] - xBar) * (x[i] - xBar);
            sxt += (x[i] - xBar) * (t[i] - tBar);
        }

        s = sxt / sxx;
        a = tBar - s * xBar;
        var rss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var r = t[i] - a - s * x[i];
            rss += r * r;
        }

        return rss;
    }

    private static double SumOfSquaredDeviations(double[] y)
    {
        var mean = y.Average();
        return y.Sum(v => (v - mean) * (v - mean));
    }

    private static double RSquared(double rss, double tss) => tss > 0.0 ? 1.0 - rss / tss : double.NaN;

    private static double Dot(double[] u, double[] v)
    {
        var sum = 0.0;
        for (var i = 0; i < u.Length; i++)
        {
            sum += u[i] * v[i];
        }

        return sum;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
