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
        var shells = profile.Shells;
        var threshold = options.MinimumOccupancy * Math.Max(1, profile.Batches);
        var kept = shells.Count;
        while (kept > 0 && shells[kept - 1].Occupancy < threshold)
        {
            kept--;
        }

        if (kept == 0)
        {
            // The whole profile is sparse (a tiny probe set or a very coarse quadrature): nothing stands apart from a bulk.
            kept = shells.Count;
        }

        var outlierEnergy = 0.0;
        for (var i = kept; i < shells.Count; i++)
        {
            outlierEnergy += shells[i].Estimate;
        }

        var bulk = shells.Take(kept).ToArray();
        var estimate = Fit(
            bulk.Select(s => s.Index).ToArray(),
            bulk.Select(s => profile.Grid.LogCentre(s.Index)).ToArray(),
            bulk.Select(s => s.Estimate).ToArray(),
            bulk.Select(s => s.Lower).ToArray(),
            bulk.Select(s => s.Upper).ToArray(),
            options);
        return estimate with { OutlierEnergy = outlierEnergy, OutlierShells = shells.Count - kept };
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

        var shells = new List<int>(count);
        var xs = new List<double>(count);
        var es = new List<double>(count);
        var lows = new List<double>(count);
        var highs = new List<double>(count);
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
                lows.Add(double.IsFinite(lowerBounds[i]) ? Math.Min(lowerBounds[i], e) : e);
                highs.Add(double.IsFinite(upperBounds[i]) ? Math.Max(upperBounds[i], e) : e);
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

        // Leave out shells past the cutoff below the dynamic range (round-off floor; see FrontierFitOptions.DynamicRange).
        var floor = options.DynamicRange * es[peak];
        for (var j = used - 1; j > peak; j--)
        {
            if (es[j] < floor)
            {
                shells.RemoveAt(j);
                xs.RemoveAt(j);
                es.RemoveAt(j);
                lows.RemoveAt(j);
                highs.RemoveAt(j);
            }
        }

        var trimmed = used != shells.Count;
        used = shells.Count;
        if (used < options.MinimumShells)
        {
            var noun = used == 1 ? "shell carries" : "shells carry";
            var within = trimmed ? Format($" within {options.DynamicRange:0.##e+00} of the peak") : string.Empty;
            return FrontierEstimate.Undetermined(Format($"only {used} {noun} energy{within} (at least {options.MinimumShells} needed)"), used, peakShell);
        }

        var dip = DeepestDip(lows, highs);
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

        if (options.IntegrateOverShell && TryGetShellWidth(shells, x, out var width))
        {
            // Refine (s, φ) for the model integrated over each shell, starting from the centre-sampled solution; the
            // range checks then apply to the refined frontier.
            RefineIntegrated(x, y, width, ref freeS, ref phi, out freeA, out freeRss);
            if (!(phi <= phiHigh && phi >= phiLow))
            {
                return FrontierEstimate.Undetermined(
                    Format($"frontier outside the observed band: fitted λ_f = {Math.Exp(phi):g3} lies outside [{Math.Exp(phiLow):g3}, {Math.Exp(phiHigh):g3}]"),
                    used, peakShell, RSquared(freeRss, tss));
            }
        }

        var r2 = RSquared(freeRss, tss);
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

    /// <summary>
    /// Least squares of ln E_α on <c>a + ln ∫ exp(s·u − e^{u−φ}) du</c> over each shell [x_α − h/2, x_α + h/2]: a in
    /// closed form (mean residual), (s, φ) by Nelder–Mead from the centre-sampled solution. The integral is a 16-point
    /// Gauss–Legendre rule in log space (ln of the integrand varies by at most a few tens over a shell inside the
    /// dynamic range, where the rule is exact to ~1e-12 relative).
    /// </summary>
    private static void RefineIntegrated(double[] x, double[] y, double h, ref double s, ref double phi, out double a, out double rss)
    {
        double Objective(double sv, double pv, out double av)
        {
            var l = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                l[i] = LogShellIntegral(x[i] - 0.5 * h, h, sv, pv);
            }

            av = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                av += y[i] - l[i];
            }

            av /= x.Length;
            var sum = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                var r = y[i] - av - l[i];
                sum += r * r;
            }

            return double.IsFinite(sum) ? sum : double.PositiveInfinity;
        }

        // Nelder–Mead on (s, φ): 3 vertices, standard coefficients, stops when the simplex is below 1e-9 in both.
        var p = new[] { (S: s, Phi: phi), (S: s + 0.1, Phi: phi), (S: s, Phi: phi + 0.3) };
        var f = p.Select(v => Objective(v.S, v.Phi, out _)).ToArray();
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var order = new[] { 0, 1, 2 }.OrderBy(i => f[i]).ToArray();
            p = order.Select(i => p[i]).ToArray();
            f = order.Select(i => f[i]).ToArray();
            var size = Math.Max(Math.Max(Math.Abs(p[1].S - p[0].S), Math.Abs(p[2].S - p[0].S)), Math.Max(Math.Abs(p[1].Phi - p[0].Phi), Math.Abs(p[2].Phi - p[0].Phi)));
            if (size < 1e-9)
            {
                break;
            }

            var c = (S: 0.5 * (p[0].S + p[1].S), Phi: 0.5 * (p[0].Phi + p[1].Phi));
            (double S, double Phi) Along(double t) => (c.S + t * (p[2].S - c.S), c.Phi + t * (p[2].Phi - c.Phi));
            var reflected = Along(-1.0);
            var fr = Objective(reflected.S, reflected.Phi, out _);
            if (fr < f[0])
            {
                var expanded = Along(-2.0);
                var fe = Objective(expanded.S, expanded.Phi, out _);
                (p[2], f[2]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < f[1])
            {
                (p[2], f[2]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < f[2] ? Along(-0.5) : Along(0.5);
                var fc = Objective(contracted.S, contracted.Phi, out _);
                if (fc < Math.Min(fr, f[2]))
                {
                    (p[2], f[2]) = (contracted, fc);
                }
                else
                {
                    for (var i = 1; i < 3; i++)
                    {
                        p[i] = (0.5 * (p[0].S + p[i].S), 0.5 * (p[0].Phi + p[i].Phi));
                        f[i] = Objective(p[i].S, p[i].Phi, out _);
                    }
                }
            }
        }

        var best = f[0] <= f[1] && f[0] <= f[2] ? 0 : f[1] <= f[2] ? 1 : 2;
        s = p[best].S;
        phi = p[best].Phi;
        rss = Objective(s, phi, out a);
    }

    private static readonly double[] LegendreNodes = [-0.9894009349916499, -0.9445750230732326, -0.8656312023878318, -0.7554044083550030,
        -0.6178762444026438, -0.4580167776572274, -0.2816035507792589, -0.0950125098376374, 0.0950125098376374, 0.2816035507792589,
        0.4580167776572274, 0.6178762444026438, 0.7554044083550030, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499];

    private static readonly double[] LegendreWeights = [0.0271524594117541, 0.0622535239386479, 0.0951585116824928, 0.1246289712555339,
        0.1495959888165767, 0.1691565193950025, 0.1826034150449236, 0.1894506104550685, 0.1894506104550685, 0.1826034150449236,
        0.1691565193950025, 0.1495959888165767, 0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541];

    /// <summary>ln ∫_{lo}^{lo+h} exp(s·u − e^{u−φ}) du, evaluated in log space (no underflow).</summary>
    private static double LogShellIntegral(double lo, double h, double s, double phi)
    {
        Span<double> g = stackalloc double[16];
        var max = double.NegativeInfinity;
        for (var j = 0; j < 16; j++)
        {
            var u = lo + 0.5 * h * (LegendreNodes[j] + 1.0);
            g[j] = s * u - Math.Exp(u - phi);
            max = Math.Max(max, g[j]);
        }

        var sum = 0.0;
        for (var j = 0; j < 16; j++)
        {
            sum += LegendreWeights[j] * Math.Exp(g[j] - max);
        }

        return max + Math.Log(0.5 * h * sum);
    }

    /// <summary>
    /// Deepest certified dip: max over j of min(max lower bound left of j, max lower bound right of j) / upper bound of j,
    /// with the two maxima's positions. With bounds equal to the estimates this is the plain dip of the estimates.
    /// </summary>
    private static (double Depth, int Left, int Right) DeepestDip(List<double> e, List<double> upper)
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
            var depth = Math.Min(e[leftArgMax], e[right]) / upper[j];
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
