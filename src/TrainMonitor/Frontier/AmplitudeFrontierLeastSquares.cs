namespace TrainMonitor.Frontier;

/// <summary>
/// The linear least-squares pieces of <see cref="FrontierFit"/> for <c>ln E(x) = a + s·x − exp(x − φ)</c>: the free
/// three-column solution, the two-column solution at a fixed φ, and the R² built from their residuals.
/// </summary>
/// <remarks>Its own type because these are the closed-form algebra of the fit, apart from its checks and reasons.</remarks>
internal static class AmplitudeFrontierLeastSquares
{
    /// <summary>
    /// Least squares of y on the columns 1, x − x̄ and −exp(x − x_max): coefficients give a, s and β.
    /// The third column is orthogonalised against the first two twice (classical Gram–Schmidt, repeated).
    /// </summary>
    internal static bool TryFitFree(double[] x, double[] y, out double a, out double s, out double beta, out double rss)
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
    internal static double FitAtFixedPhi(double[] x, double[] y, double phi, out double a, out double s)
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

    internal static double SumOfSquaredDeviations(double[] y)
    {
        var mean = y.Average();
        return y.Sum(v => (v - mean) * (v - mean));
    }

    internal static double RSquared(double rss, double tss) => tss > 0.0 ? 1.0 - rss / tss : double.NaN;

    private static double Dot(double[] u, double[] v)
    {
        var sum = 0.0;
        for (var i = 0; i < u.Length; i++)
        {
            sum += u[i] * v[i];
        }

        return sum;
    }
}
