namespace TrainMonitor.Tests.Frontier;

/// <summary>Independent reference fits of ln E = a + s x − exp(x − φ), written differently from the library's.</summary>
internal static class ReferenceFits
{
    public sealed record Result(double A, double S, double Phi, double R2);

    /// <summary>
    /// The model is linear in (a, s, b) with b = e^{−φ}: solve the 3×3 normal equations of the columns
    /// [1, x, −e^{x − x_max}] by Gaussian elimination with partial pivoting (the library orthogonalises instead).
    /// </summary>
    public static Result NormalEquations(double[] x, double[] y)
    {
        var n = x.Length;
        var xMax = x.Max();
        var cols = new double[3][];
        cols[0] = Enumerable.Repeat(1.0, n).ToArray();
        cols[1] = x;
        cols[2] = x.Select(v => -Math.Exp(v - xMax)).ToArray();
        var m = new double[3, 4];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                m[i, j] = Dot(cols[i], cols[j]);
            }

            m[i, 3] = Dot(cols[i], y);
        }

        for (var c = 0; c < 3; c++)
        {
            var p = c;
            for (var r = c + 1; r < 3; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[p, c]))
                {
                    p = r;
                }
            }

            for (var k = 0; k < 4; k++)
            {
                (m[c, k], m[p, k]) = (m[p, k], m[c, k]);
            }

            for (var r = 0; r < 3; r++)
            {
                if (r == c)
                {
                    continue;
                }

                var f = m[r, c] / m[c, c];
                for (var k = c; k < 4; k++)
                {
                    m[r, k] -= f * m[c, k];
                }
            }
        }

        var a = m[0, 3] / m[0, 0];
        var s = m[1, 3] / m[1, 1];
        var beta = m[2, 3] / m[2, 2];
        var phi = xMax - Math.Log(beta);
        return new Result(a, s, phi, 1 - Rss(x, y, phi, out _, out _) / Tss(y));
    }

    /// <summary>
    /// The design-notes method: scan φ on a grid of step 0.01 over [x_min − margin, x_max + margin], solving the
    /// linear least squares for (a, s) at each φ, then golden-section refinement on the bracketing grid cells.
    /// Returns null if the grid optimum is at an end of the range.
    /// </summary>
    public static Result? PhiScan(double[] x, double[] y, double margin)
    {
        var lo = x.Min() - margin;
        var hi = x.Max() + margin;
        var steps = (int)Math.Ceiling((hi - lo) / 0.01);
        var best = 0;
        var bestRss = double.PositiveInfinity;
        for (var i = 0; i <= steps; i++)
        {
            var r = Rss(x, y, lo + (hi - lo) * i / steps, out _, out _);
            if (r < bestRss)
            {
                bestRss = r;
                best = i;
            }
        }

        if (best == 0 || best == steps)
        {
            return null;
        }

        var left = lo + (hi - lo) * (best - 1) / steps;
        var right = lo + (hi - lo) * (best + 1) / steps;
        var g = (Math.Sqrt(5) - 1) / 2;
        while (right - left > 1e-12)
        {
            var c = right - g * (right - left);
            var d = left + g * (right - left);
            if (Rss(x, y, c, out _, out _) < Rss(x, y, d, out _, out _))
            {
                right = d;
            }
            else
            {
                left = c;
            }
        }

        var phi = (left + right) / 2;
        var rss = Rss(x, y, phi, out var a, out var s);
        return new Result(a, s, phi, 1 - rss / Tss(y));
    }

    /// <summary>Residual sum of squares of the best (a, s) for fixed φ: a straight-line fit of y + e^{x−φ} on x.</summary>
    public static double Rss(double[] x, double[] y, double phi, out double a, out double s)
    {
        var t = x.Select((v, i) => y[i] + Math.Exp(v - phi)).ToArray();
        var xm = x.Average();
        var tm = t.Average();
        var sxx = x.Sum(v => (v - xm) * (v - xm));
        s = x.Select((v, i) => (v - xm) * (t[i] - tm)).Sum() / sxx;
        a = tm - s * xm;
        var aa = a;
        var ss = s;
        return x.Select((v, i) => t[i] - aa - ss * v).Sum(r => r * r);
    }

    private static double Tss(double[] y)
    {
        var m = y.Average();
        return y.Sum(v => (v - m) * (v - m));
    }

    private static double Dot(double[] u, double[] v) => u.Select((x, i) => x * v[i]).Sum();
}
