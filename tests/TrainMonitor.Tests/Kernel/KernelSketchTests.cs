using TorchSharp;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Kernel;

public sealed class KernelSketchTests
{
    private static readonly int[] Sizes = [96, 64];

    /// <summary>Per batch: M_a = B Bᵀ/n and M_b = B' B'ᵀ/n with B' = B + mix·C, B and C n×n standard normal from a seeded generator.</summary>
    private static (Tensor[] Ma, Tensor[] Mb) MatrixPair(double mix, long seed)
    {
        var g = new torch.Generator((ulong)seed);
        var ma = new Tensor[Sizes.Length];
        var mb = new Tensor[Sizes.Length];
        for (var b = 0; b < Sizes.Length; b++)
        {
            var n = Sizes[b];
            var bA = torch.randn(n, n, dtype: ScalarType.Float64, generator: g);
            var bB = bA + mix * torch.randn(n, n, dtype: ScalarType.Float64, generator: g);
            ma[b] = bA.matmul(bA.T) / n;
            mb[b] = bB.matmul(bB.T) / n;
        }

        return (ma, mb);
    }

    private static KernelSketch Sketch(Tensor[] matrices, int vectors, int seed)
    {
        var ops = matrices.Select(m => new MatrixErrorOperator(m, torch.zeros(m.shape[0], dtype: ScalarType.Float64))).ToArray();
        try
        {
            return KernelSketch.Capture(ops, vectors, seed);
        }
        finally
        {
            foreach (var op in ops)
            {
                op.Dispose();
            }
        }
    }

    /// <summary>Exact reference: 1 − Σ_b tr(M_a M_b) / (‖M_a‖_F ‖M_b‖_F), block-diagonal over batches.</summary>
    private static double ExactDistance(Tensor[] ma, Tensor[] mb)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var b = 0; b < ma.Length; b++)
        {
            ab += ma[b].matmul(mb[b]).trace().item<double>();
            aa += ma[b].matmul(ma[b]).trace().item<double>();
            bb += mb[b].matmul(mb[b]).trace().item<double>();
        }

        return 1 - ab / Math.Sqrt(aa * bb);
    }

    /// <summary>
    /// Sampling statistics of the three sums behind the estimate, T_p = Σ_b Σ_{j≤k} z_jᵀ A_p,b z_j for
    /// (A_X, A_U, A_V) = (sym(M_a M_b), M_a², M_b²) and Rademacher z: mean k·Σ_b tr A_p,b and, batches and vectors
    /// being independent, Cov(T_p, T_q) = k·Σ_b 2(⟨A_p, A_q⟩_F − Σ_i (A_p)_ii (A_q)_ii) (zᵀAz = zᵀ sym(A) z; this
    /// is the brief's Var(zᵀAz) = 2(‖A‖_F² − Σ A_ii²) with its covariance form). From them, for
    /// r = X/√(UV) = 1 − S:
    /// <list type="bullet">
    /// <item>σ: delta-method standard deviation of r, √(gᵀ C g) with g = r·(1/X, −1/(2U), −1/(2V));</item>
    /// <item>Bias: second-order mean of r̂ − r, r·[3/8 c_UU + 3/8 c_VV − ½ c_XU − ½ c_XV + ¼ c_UV] with relative
    /// covariances c_pq = C_pq/(T_p T_q) (expansion of (1+ξ)(1+υ)^{−½}(1+ν)^{−½});</item>
    /// <item>QuadraticSd: standard deviation of that second-order term yᵀHy (y the relative deviations, H its
    /// coefficient matrix), √(2 tr((H c)²)) for near-Gaussian sums;</item>
    /// <item>Rho: largest relative standard deviation √c_pp, which sizes the neglected higher orders.</item>
    /// </list>
    /// </summary>
    private static (double R, double Sigma, double Bias, double QuadraticSd, double Rho) SketchStatistics(Tensor[] ma, Tensor[] mb, int k)
    {
        var mean = new double[3];
        var cov = new double[3, 3];
        for (var b = 0; b < ma.Length; b++)
        {
            var ab = ma[b].matmul(mb[b]);
            var forms = new[] { (ab + ab.T) / 2, ma[b].matmul(ma[b]), mb[b].matmul(mb[b]) };
            for (var p = 0; p < 3; p++)
            {
                mean[p] += k * forms[p].trace().item<double>();
                for (var q = 0; q < 3; q++)
                {
                    var offDiagonal = (forms[p] * forms[q]).sum().item<double>() - (forms[p].diagonal() * forms[q].diagonal()).sum().item<double>();
                    cov[p, q] += k * 2 * offDiagonal;
                }
            }
        }

        var r = mean[0] / Math.Sqrt(mean[1] * mean[2]);
        var g = new[] { r / mean[0], -r / (2 * mean[1]), -r / (2 * mean[2]) };
        var variance = 0.0;
        for (var p = 0; p < 3; p++)
        {
            for (var q = 0; q < 3; q++)
            {
                variance += g[p] * cov[p, q] * g[q];
            }
        }

        double C(int p, int q) => cov[p, q] / (mean[p] * mean[q]);
        var bias = r * (0.375 * C(1, 1) + 0.375 * C(2, 2) - 0.5 * C(0, 1) - 0.5 * C(0, 2) + 0.25 * C(1, 2));
        var rho = Math.Sqrt(Math.Max(C(0, 0), Math.Max(C(1, 1), C(2, 2))));
        double[,] h = { { 0, -0.25, -0.25 }, { -0.25, 0.375, 0.125 }, { -0.25, 0.125, 0.375 } };
        var hc = new double[3, 3];
        for (var p = 0; p < 3; p++)
        {
            for (var q = 0; q < 3; q++)
            {
                for (var t = 0; t < 3; t++)
                {
                    hc[p, q] += r * h[p, t] * C(t, q);
                }
            }
        }

        var trace = 0.0;
        for (var p = 0; p < 3; p++)
        {
            for (var q = 0; q < 3; q++)
            {
                trace += hc[p, q] * hc[q, p];
            }
        }

        return (r, Math.Sqrt(variance), bias, Math.Sqrt(2 * trace), rho);
    }

    [Fact]
    public void DistanceIsZeroForIdenticalAndForProportionalOperators()
    {
        using var scope = NewDisposeScope();
        var (ma, _) = MatrixPair(0.5, 11);

        var first = Sketch(ma, 8, 3);
        var again = Sketch(ma, 8, 3);
        var scaled = Sketch(ma.Select(m => 3.7 * m).ToArray(), 8, 3);

        // Identical matrices give bit-identical Y, so S = 1 − U/√(U·U) = 0 exactly (√(U²) = U in IEEE arithmetic).
        Assert.Equal(0.0, KernelSketch.Distance(first, again));
        // S is scale-invariant; the scaled Y differ from 3.7·Y by one rounding each, and each of the three sums
        // of N = 8·160 products has relative error ≤ N·ε ≈ 3e-13, so |S| ≲ 1e-12.
        Assert.InRange(KernelSketch.Distance(first, scaled), 0.0, 1e-12);
    }

    [Fact]
    public void DistanceMatchesExactFrobeniusFormulaWithinHutchinsonSamplingBound()
    {
        using var scope = NewDisposeScope();
        const int k = 8;
        var (ma, mb) = MatrixPair(0.6, 12);
        var exact = ExactDistance(ma, mb);
        var st = SketchStatistics(ma, mb, k);

        var estimate = KernelSketch.Distance(Sketch(ma, k, 101), Sketch(mb, k, 101));

        // Ŝ − S = −(r̂ − r) = −(linear term) − (quadratic term) − …. Linear term: mean 0, standard deviation σ
        // (delta method with the exact covariances of the three correlated sums); allow 6σ. Quadratic term: mean
        // Bias, standard deviation QuadraticSd; allow |Bias| + 6·QuadraticSd. Higher orders: each order is smaller
        // than the previous by about the size of the relative deviations, ≤ 6ρ ≈ 0.4 here at a 6σ event, so
        // doubling the second-order allowance covers them. (A bound treating the three sums as uncorrelated
        // worst cases is ~20× wider and would not exclude S = 0; they are strongly correlated because the same
        // Z enters all three, and r̂ = r exactly when all three deviate by the same factor.)
        var tolerance = 6 * st.Sigma + 2 * (Math.Abs(st.Bias) + 6 * st.QuadraticSd);

        Assert.InRange(tolerance, 0.0, 0.5 * exact); // informative: excludes S = 0 and S = 1 (unrelated Z)
        Assert.Equal(exact, estimate, tolerance);
    }

    [Fact]
    public void EstimateAveragedOverSeedsConvergesToExactDistance()
    {
        using var scope = NewDisposeScope();
        const int k = 8;
        const int seeds = 300;
        var (ma, mb) = MatrixPair(0.6, 13);
        var exact = ExactDistance(ma, mb);
        var st = SketchStatistics(ma, mb, k);

        var samples = Enumerable.Range(0, seeds).Select(s => KernelSketch.Distance(Sketch(ma, k, 1000 + s), Sketch(mb, k, 1000 + s))).ToArray();
        var mean = samples.Average();
        var sd = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / (seeds - 1));

        // E[Ŝ] = S − Bias + O(ρ³): the ratio estimator's second-order bias is computed exactly from the
        // covariances; the third-order remainder has coefficients summing to 2 (5/16+5/16+3/8+3/8+3/16+3/16+¼),
        // and E|N|³ ≈ 1.6 for the near-Gaussian sums, so it is below 4·r·ρ³. The mean of `seeds` independent
        // estimates lies within 5 standard errors of E[Ŝ].
        var tolerance = 5 * sd / Math.Sqrt(seeds) + 4 * st.R * Math.Pow(st.Rho, 3);

        Assert.InRange(tolerance, 0.0, 0.1 * exact); // informative: a tenth of the distance itself
        Assert.Equal(exact - st.Bias, mean, tolerance);
        Assert.InRange(sd, 0.5 * st.Sigma, 2.0 * st.Sigma); // the spread is the one the delta method predicts
    }

    [Fact]
    public void CaptureUsesKApplicationsPerBatchAndAFixedRademacherZPerSeedAndBatch()
    {
        using var scope = NewDisposeScope();
        // With M = I the sketch is Z itself.
        var ops = new[] { 32, 32, 20 }.Select(n => new MatrixErrorOperator(torch.eye(n, dtype: ScalarType.Float64), torch.zeros(n, dtype: ScalarType.Float64))).ToArray();

        var first = KernelSketch.Capture(ops, 5, 42);
        Assert.All(ops, op => Assert.Equal(5, op.Applications));
        var second = KernelSketch.Capture(ops, 5, 42);
        var otherSeed = KernelSketch.Capture(ops, 5, 43);

        Assert.Equal([32, 32, 20], first.BatchSizes);
        var z0 = first.CopyBatchSketch(0);
        Assert.All(z0, e => Assert.True(e == 1.0 || e == -1.0));
        Assert.InRange(z0.Count(e => e > 0), 50, 110); // 160 fair signs: mean 80, sd 6.3; ±30 is ≈ 5 sd
        Assert.Equal(z0, second.CopyBatchSketch(0));
        Assert.NotEqual(z0, first.CopyBatchSketch(1)); // same size, other batch index: other Z
        Assert.NotEqual(z0, otherSeed.CopyBatchSketch(0));
        foreach (var op in ops)
        {
            op.Dispose();
        }
    }

    [Fact]
    public void DistanceRejectsIncompatibleSketches()
    {
        using var scope = NewDisposeScope();
        var (ma, _) = MatrixPair(0.0, 14);
        var reference = Sketch(ma, 4, 1);

        Assert.Throws<ArgumentException>(() => KernelSketch.Distance(reference, Sketch(ma, 5, 1)));
        Assert.Throws<ArgumentException>(() => KernelSketch.Distance(reference, Sketch(ma, 4, 2)));
        Assert.Throws<ArgumentException>(() => KernelSketch.Distance(reference, Sketch([ma[0]], 4, 1)));
        Assert.Throws<ArgumentException>(() => KernelSketch.Distance(reference, Sketch([ma[0], ma[0]], 4, 1)));
    }

    [Fact]
    public void DistanceIsUndefinedForAZeroOperator()
    {
        using var scope = NewDisposeScope();
        var (ma, _) = MatrixPair(0.0, 15);
        var zero = ma.Select(m => torch.zeros_like(m)).ToArray();

        Assert.True(double.IsNaN(KernelSketch.Distance(Sketch(ma, 4, 1), Sketch(zero, 4, 1))));
    }

    [Fact]
    public void CaptureRejectsOperatorsReturningNonFiniteValues()
    {
        using var scope = NewDisposeScope();
        var bad = torch.eye(4, dtype: ScalarType.Float64);
        bad[1, 1] = torch.tensor(double.NaN);
        using var op = new MatrixErrorOperator(bad, torch.zeros(4, dtype: ScalarType.Float64));

        Assert.Throws<InvalidOperationException>(() => KernelSketch.Capture([op], 2, 0));
    }
}
