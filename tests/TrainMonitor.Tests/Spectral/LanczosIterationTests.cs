using TorchSharp;
using TrainMonitor.Operators;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Spectral;

public sealed class LanczosIterationTests
{
    private static double[] PowerLaw(int n, double scale, double exponent) =>
        Enumerable.Range(1, n).Select(i => scale * Math.Pow(i, -exponent)).ToArray();

    [Fact]
    public void FullRunReproducesEigenvaluesAndWeightsOfTheExplicitMatrix()
    {
        // n = 40 distinct eigenvalues 5/i, k allowed up to 64: Lanczos must run to k = n and be exact.
        // Tolerances: full reorthogonalisation keeps T = QᵀAQ + E with ‖E‖ ≲ √n·ε·‖A‖ ≈ 1.4e-15‖A‖; by Weyl the
        // Ritz values are within ‖E‖ of the eigenvalues (we allow 1e-11·λ_max, a margin of ~10⁴), and the first
        // eigenvector components move by ≲ ‖E‖/gap with relative gap ≥ 6e-4 here, i.e. ≲ 1e-11 of the mass
        // (we allow 1e-9).
        var spectrum = PowerLaw(40, 5.0, 1.0);
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 11);
        var jacobi = LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = 64 });

        Assert.True(jacobi.BrokeDown);
        Assert.Equal(40, jacobi.Steps);
        Assert.Equal(40, known.Operator.Applications);
        Assert.Equal(known.Mass, jacobi.Mass, 1e-12 * known.Mass);
        var rule = jacobi.GaussRule();
        var lambdaMax = known.Eigenvalues[^1];
        for (var i = 0; i < 40; i++)
        {
            Assert.InRange(rule.Nodes[i] - known.Eigenvalues[i], -1e-11 * lambdaMax, 1e-11 * lambdaMax);
            Assert.InRange(rule.Weights[i] - known.Weights[i], -1e-9 * known.Mass, 1e-9 * known.Mass);
        }
    }

    [Fact]
    public void RepeatedEigenvaluesBreakDownAtTheNumberOfDistinctValues()
    {
        // Five distinct eigenvalues of multiplicity 8: the Krylov space of e has dimension 5, so Lanczos must
        // break down at k = 5 with nodes at the distinct values and weights summed over each eigenspace.
        // Same tolerance derivation as above (gaps are now of order 1).
        var distinct = new[] { 0.01, 0.1, 0.5, 1.0, 3.0 };
        var spectrum = distinct.SelectMany(v => Enumerable.Repeat(v, 8)).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 5);
        var jacobi = LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = 64 });

        Assert.True(jacobi.BrokeDown);
        Assert.Equal(5, jacobi.Steps);
        var rule = jacobi.GaussRule();
        for (var i = 0; i < distinct.Length; i++)
        {
            var exact = 0.0;
            for (var j = 0; j < known.Eigenvalues.Length; j++)
            {
                if (Math.Abs(known.Eigenvalues[j] - distinct[i]) < 1e-9)
                {
                    exact += known.Weights[j];
                }
            }

            Assert.InRange(rule.Nodes[i] - distinct[i], -1e-11 * 3.0, 1e-11 * 3.0);
            Assert.InRange(rule.Weights[i] - exact, -1e-10 * known.Mass, 1e-10 * known.Mass);
        }
    }

    [Theory]
    [InlineData(8, 1.0, 11UL)]
    [InlineData(16, 2.0, 12UL)]
    [InlineData(24, 0.7, 13UL)]
    public void GaussRuleIntegratesMomentsUpToDegreeTwoKMinusOneExactly(int k, double exponent, ulong seed)
    {
        // Σ w θ^p = eᵀA^p e/n for p ≤ 2k − 1. Both sides are sums of terms bounded by mass·λ_max^p; p ≤ 47 products
        // in double each add a relative ≲ n·ε ≈ 3e-14 error and Lanczos contributes ≲ k√n·ε, so the error is
        // ≲ 1e-12·mass·λ_max^p: we allow 1e-10 of that scale.
        using var known = KnownSpectrumOperator.Create(PowerLaw(120, 3.0, exponent), seed);
        var jacobi = LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = k });
        Assert.Equal(k, jacobi.Steps);
        Assert.False(jacobi.BrokeDown);
        var lambdaMax = known.Eigenvalues[^1];
        for (var p = 0; p <= (2 * k) - 1; p++)
        {
            var quadrature = jacobi.GaussRule().Integrate(x => Math.Pow(x, p));
            var exact = known.Moment(p);
            var scale = known.Mass * Math.Pow(lambdaMax, p);
            Assert.True(Math.Abs(quadrature - exact) <= 1e-10 * scale, $"p = {p}: quadrature {quadrature:R}, exact {exact:R}, scale {scale:R}");
        }
    }

    [Fact]
    public void GaussRuleFailsAtDegreeTwoKByTheSquaredNormOfTheMonicOrthogonalPolynomial()
    {
        // For f = x^{2k} the Gauss error is ∫ π_k² dμ = mass·Π β_i² > 0 (π_k the monic orthogonal polynomial).
        // With k = 4 and a spectrum spread over [0.05, 1] this is ~1e-5 of mass·λ_max^{2k}, far above the 1e-10
        // round-off allowance used for exactness, so the rule is measurably not exact at degree 2k.
        const int k = 4;
        var spectrum = Enumerable.Range(0, 100).Select(i => 0.05 + (0.95 * i / 99.0)).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 21);
        var jacobi = LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = k });
        var lambdaMax = known.Eigenvalues[^1];
        var scale = known.Mass * Math.Pow(lambdaMax, 2 * k);
        var deficit = known.Moment(2 * k) - jacobi.GaussRule().Integrate(x => Math.Pow(x, 2 * k));
        var predicted = jacobi.Mass * jacobi.Beta.Aggregate(1.0, (acc, b) => acc * b * b);

        Assert.True(deficit > 1e-6 * scale, $"deficit {deficit:R} should be far above round-off (scale {scale:R})");
        Assert.Equal(predicted, deficit, 1e-10 * scale);
    }

    [Fact]
    public void ZeroErrorGivesEmptyMeasureWithoutApplyingTheOperator()
    {
        using var scope = NewDisposeScope();
        using var op = new MatrixErrorOperator(eye(6, dtype: ScalarType.Float64), zeros(6, dtype: ScalarType.Float64));
        var jacobi = LanczosIteration.Run(op, LanczosOptions.Default);

        Assert.Equal(0, jacobi.Steps);
        Assert.Equal(0.0, jacobi.Mass);
        Assert.Equal(0, op.Applications);
        Assert.Empty(jacobi.GaussRule().Nodes);
    }

    [Fact]
    public void ErrorInTheNullSpaceBreaksDownAtOnceWithANodeAtZero()
    {
        // M e = 0: α₁ = 0 and β₁ = 0, so the measure is all mass at 0 (null energy).
        using var scope = NewDisposeScope();
        var matrix = diag(tensor(new[] { 0.0, 2.0, 3.0 }, dtype: ScalarType.Float64));
        using var op = new MatrixErrorOperator(matrix, tensor(new[] { 2.0, 0.0, 0.0 }, dtype: ScalarType.Float64));
        var jacobi = LanczosIteration.Run(op, LanczosOptions.Default);

        Assert.True(jacobi.BrokeDown);
        Assert.Equal(1, jacobi.Steps);
        Assert.Equal(0.0, jacobi.GaussRule().Nodes[0]);
        Assert.Equal(4.0 / 3.0, jacobi.GaussRule().Weights[0], 1e-15);
    }

    [Fact]
    public void CancelledTokenStopsTheIteration()
    {
        using var known = KnownSpectrumOperator.Create(PowerLaw(20, 1.0, 1.0), seed: 3);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => LanczosIteration.Run(known.Operator, LanczosOptions.Default, cts.Token));
        Assert.Equal(0, known.Operator.Applications);
    }

    [Fact]
    public void InvalidOptionsThrowNamingTheParameter()
    {
        Assert.Equal("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => new LanczosOptions { Steps = 0 }).ParamName);
        Assert.Equal("BreakdownTolerance", Assert.Throws<ArgumentOutOfRangeException>(() => new LanczosOptions { BreakdownTolerance = -1e-3 }).ParamName);
        Assert.Equal("BreakdownTolerance", Assert.Throws<ArgumentOutOfRangeException>(() => new LanczosOptions { BreakdownTolerance = double.NaN }).ParamName);
    }
}
