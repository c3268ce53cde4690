namespace TrainMonitor.Frontier;

/// <summary>
/// Refines the centre-sampled (s, φ) of <see cref="FrontierFit"/> for the model integrated over each shell, which removes
/// the binning bias of sampling the density at the shell centre (see the remarks on <see cref="FrontierFit"/>).
/// </summary>
/// <remarks>Its own type because the refinement (Nelder–Mead plus a Gauss–Legendre rule) is a separate numerical step
/// that runs only with <see cref="FrontierFitOptions.IntegrateOverShell"/>; the fit itself only calls it.</remarks>
internal static class ShellIntegralRefinement
{
    /// <summary>
    /// Least squares of ln E_α on <c>a + ln ∫ exp(s·u − e^{u−φ}) du</c> over each shell [x_α − h/2, x_α + h/2]: a in
    /// closed form (mean residual), (s, φ) by Nelder–Mead from the centre-sampled solution. The integral is a 16-point
    /// Gauss–Legendre rule in log space (ln of the integrand varies by at most a few tens over a shell inside the
    /// dynamic range, where the rule is exact to ~1e-12 relative).
    /// </summary>
    internal static void RefineIntegrated(double[] x, double[] y, double h, ref double s, ref double phi, out double a, out double rss)
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
}
