namespace TrainMonitor.Spectral;

/// <summary>
/// The recurrence coefficients (Jacobi matrix) of a discrete measure from its nodes and weights: the inverse of
/// the Gauss rule. Gragg and Harrod's rational Kahan–Pal–Walker (RKPW) algorithm, "The numerically stable
/// reconstruction of Jacobi matrices from spectral data" (Numer. Math. 44, 1984), as given by Gautschi
/// (<c>lanczos.m</c> of the OPQ suite): the measure's nodes are added one at a time and the tridiagonal matrix is
/// updated by a chain of Givens rotations kept in squared (rational) form, O(k²) operations in all, no square
/// roots until the end, and no loss of orthogonality (unlike a Stieltjes or plain Lanczos recurrence on the nodes).
/// </summary>
internal static class DiscreteMeasureReconstruction
{
    /// <summary>
    /// Returns α₁…α_k and β₁…β_k in the convention of <see cref="JacobiMatrix"/>: <c>beta[i]</c> couples steps i
    /// and i+1, and the last entry (the residual of a Krylov space that spans the whole measure) is 0.
    /// Zero weights are allowed: the off-diagonal then vanishes from the point where the measure is exhausted.
    /// </summary>
    public static (double[] Alpha, double[] Beta) Reconstruct(double[] nodes, double[] weights)
    {
        var k = nodes.Length;
        var p0 = (double[])nodes.Clone();
        var p1 = new double[k];
        p1[0] = weights[0];
        for (var n = 0; n < k - 1; n++)
        {
            var pn = weights[n + 1];
            double gamma = 1, sigma = 0, t = 0;
            var lambda = nodes[n + 1];
            for (var j = 0; j <= n + 1; j++)
            {
                var rho = p1[j] + pn;
                var updated = gamma * rho;
                var previousSigma = sigma;
                if (rho <= 0)
                {
                    gamma = 1;
                    sigma = 0;
                }
                else
                {
                    gamma = p1[j] / rho;
                    sigma = pn / rho;
                }

                var tj = (sigma * (p0[j] - lambda)) - (gamma * t);
                p0[j] -= tj - t;
                t = tj;
                pn = sigma <= 0 ? previousSigma * p1[j] : t * t / sigma;
                p1[j] = updated;
            }
        }

        // p1[0] is the mass (β₀ in Gautschi's convention); p1[1..] are the squared off-diagonals.
        var beta = new double[k];
        for (var i = 0; i + 1 < k; i++)
        {
            beta[i] = Math.Sqrt(Math.Max(0, p1[i + 1]));
        }

        return (p0, beta);
    }
}
