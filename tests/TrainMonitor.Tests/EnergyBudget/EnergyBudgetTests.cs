using TrainMonitor.EnergyBudget;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using Xunit;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.EnergyBudget;

/// <summary>
/// Dissipation and the frozen-kernel prediction against an explicit eigendecomposition of a small M (eigh), on the
/// exact path (to round-off) and on Lanczos (the exact value inside the certified bounds).
/// </summary>
public sealed class EnergyBudgetTests
{
    private const int N = 48;
    private const double Eta = 0.1;

    // Eigenvalues spread over five decades (1e-4 … 8), so that ηλ_max = 0.8 < 2 and every shell of ratio 2 is filled.
    private static readonly double[] Spectrum = Enumerable.Range(0, N).Select(i => 8.0 * Math.Pow(10, -5.0 * i / (N - 1))).ToArray();

    private static readonly ShellGrid Grid = new(2.0);
    private static readonly NullFloor Floor = NullFloor.Absolute(1e-3);

    [Fact]
    public void Dissipation_per_shell_is_the_exact_one_step_energy_drop()
    {
        using var scope = NewDisposeScope();
        var (m, e) = RandomProblem(Spectrum, seed: 11);
        using var known = ExplicitSpectrum.Of(m, e);
        var measure = new SpectralMeasure(ExactSpectralMeasure.Of(known.Operator));
        var profile = ShellProfile.Compute(measure, Grid, Floor);

        var dissipation = DissipationProfile.Compute(profile, measure, Eta);

        // Independent total: the energy drop of one explicit step e ← (I − ηM) e, |e|²/n − |e'|²/n. Both are sums of n
        // terms of size ≤ the energy: agreement to ~nε of the energy.
        var stepped = e - Eta * m.mv(e);
        var drop = (e.dot(e).item<double>() - stepped.dot(stepped).item<double>()) / N;
        var tolerance = 64 * N * 2.2e-16 * known.Mass;
        Assert.Equal(drop, dissipation.Total, tolerance);
        Assert.Equal(dissipation.Total, dissipation.Shells.Sum(s => s.Estimate) + dissipation.NullDissipation, tolerance);

        Assert.Equal(profile.Shells.Count, dissipation.Shells.Count);
        foreach (var shell in dissipation.Shells)
        {
            var exact = known.Integrate(shell.LambdaLower, shell.LambdaUpper, theta => 2 * Eta * theta - Eta * Eta * theta * theta);
            Assert.Equal(exact, shell.Estimate, tolerance);
            Assert.Equal(shell.Estimate, shell.Lower);
            Assert.Equal(shell.Estimate, shell.Upper);
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Lanczos_dissipation_bounds_contain_the_exact_dissipation(int steps)
    {
        using var scope = NewDisposeScope();
        var (m, e) = RandomProblem(Spectrum, seed: 12);
        using var known = ExplicitSpectrum.Of(m, e);
        var measure = new SpectralMeasure(LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = steps }));
        var profile = ShellProfile.Compute(measure, Grid, Floor);

        var dissipation = DissipationProfile.Compute(profile, measure, Eta);

        // Gauss quadrature with m nodes integrates the degree-2 rate exactly over the whole line.
        var exactTotal = known.Integrate(double.NegativeInfinity, double.PositiveInfinity, theta => 2 * Eta * theta - Eta * Eta * theta * theta);
        Assert.Equal(exactTotal, dissipation.Total, 1e-12 * known.Mass);
        var slack = 1e-12 * known.Mass;
        foreach (var shell in dissipation.Shells)
        {
            var exact = known.Integrate(shell.LambdaLower, shell.LambdaUpper, theta => 2 * Eta * theta - Eta * Eta * theta * theta);
            Assert.InRange(exact, shell.Lower - slack, shell.Upper + slack);
        }
    }

    [Fact]
    public void Frozen_kernel_prediction_is_exact_under_gradient_descent_on_the_probe_operator()
    {
        using var scope = NewDisposeScope();
        var (m, e1) = RandomProblem(Spectrum, seed: 13);
        var path = new LearningRatePath([new RateSegment(Eta, 30), new RateSegment(Eta / 2, 20)]);
        var e2 = Descend(m, e1, path);
        using var first = ExplicitSpectrum.Of(m, e1);
        using var second = ExplicitSpectrum.Of(m, e2);
        var earlier = new SpectralMeasure(ExactSpectralMeasure.Of(first.Operator));
        var later = new SpectralMeasure(ExactSpectralMeasure.Of(second.Operator));
        var laterProfile = ShellProfile.Compute(later, Grid, Floor);

        var budget = TransportBudget.Compute(earlier, later, laterProfile, path, fromStep: 100);

        Assert.True(budget.IsExact);
        Assert.Equal(100, budget.FromStep);
        Assert.Equal(150, budget.ToStep);
        Assert.Equal(second.Mass, budget.MeasuredEnergy, 1e-12 * second.Mass);
        Assert.Equal(second.Mass, budget.PredictedEnergy, 1e-9 * second.Mass);
        Assert.InRange(budget.TransportFraction, 0, 1e-9);
        foreach (var shell in budget.Shells)
        {
            var predicted = first.Integrate(shell.LambdaLower, shell.LambdaUpper, path.Transfer);
            Assert.Equal(predicted, shell.Predicted, 1e-10 * first.Mass);
            Assert.Equal(second.Integrate(shell.LambdaLower, shell.LambdaUpper, _ => 1), shell.Measured, 1e-12 * first.Mass);
        }
    }

    [Fact]
    public void Residual_and_flux_of_a_moving_kernel_match_the_explicit_decomposition()
    {
        using var scope = NewDisposeScope();
        var (m1, e1) = RandomProblem(Spectrum, seed: 14);
        // A different kernel at the later probe: the same eigenvalues on another eigenbasis, and a 4× larger top.
        var moved = Spectrum.Select((x, i) => i < 4 ? 4 * x : x).ToArray();
        var (m2, _) = RandomProblem(moved, seed: 15);
        var path = new LearningRatePath([new RateSegment(Eta, 10)]);
        var e2 = Descend(m1, e1, path);
        using var first = ExplicitSpectrum.Of(m1, e1);
        using var second = ExplicitSpectrum.Of(m2, e2);
        var earlier = new SpectralMeasure(ExactSpectralMeasure.Of(first.Operator));
        var later = new SpectralMeasure(ExactSpectralMeasure.Of(second.Operator));
        var laterProfile = ShellProfile.Compute(later, Grid, Floor);

        var budget = TransportBudget.Compute(earlier, later, laterProfile, path, fromStep: 100);

        var tolerance = 1e-10 * first.Mass;
        var expectedSum = 0.0;
        var expectedFlux = 0.0;
        foreach (var shell in budget.Shells.Reverse())
        {
            var residual = second.Integrate(shell.LambdaLower, shell.LambdaUpper, _ => 1) - first.Integrate(shell.LambdaLower, shell.LambdaUpper, path.Transfer);
            expectedFlux += residual;
            expectedSum += Math.Abs(residual);
            Assert.Equal(residual, shell.Residual, tolerance);
            Assert.Equal(expectedFlux, shell.Flux, tolerance);
            Assert.Equal(shell.Residual, shell.ResidualLower);
            Assert.Equal(shell.Residual, shell.ResidualUpper);
        }

        var nullResidual = second.Integrate(double.NegativeInfinity, 1e-3, _ => 1) - first.Integrate(double.NegativeInfinity, 1e-3, path.Transfer);
        Assert.Equal(nullResidual, budget.Null.Residual, tolerance);
        expectedSum += Math.Abs(nullResidual);
        Assert.Equal(expectedSum / second.Mass, budget.TransportFraction, 1e-9);
        Assert.True(budget.TransportFraction > 0.05, $"a rotated kernel moves energy; fraction {budget.TransportFraction}");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(24)]
    public void Lanczos_bounds_contain_the_exact_prediction_residual_and_fraction(int steps)
    {
        using var scope = NewDisposeScope();
        var (m1, e1) = RandomProblem(Spectrum, seed: 16);
        var (m2, _) = RandomProblem(Spectrum, seed: 17);
        var path = new LearningRatePath([new RateSegment(Eta, 25)]);
        var e2 = Descend(m1, e1, path);
        using var first = ExplicitSpectrum.Of(m1, e1);
        using var second = ExplicitSpectrum.Of(m2, e2);
        var options = new LanczosOptions { Steps = steps };
        var earlier = new SpectralMeasure(LanczosIteration.Run(first.Operator, options));
        var later = new SpectralMeasure(LanczosIteration.Run(second.Operator, options));
        var laterProfile = ShellProfile.Compute(later, Grid, Floor);

        var budget = TransportBudget.Compute(earlier, later, laterProfile, path, fromStep: 100);

        Assert.False(budget.IsExact);
        var slack = 1e-12 * first.Mass;
        var exactSum = 0.0;
        foreach (var shell in budget.Shells)
        {
            var predicted = first.Integrate(shell.LambdaLower, shell.LambdaUpper, path.Transfer);
            var residual = second.Integrate(shell.LambdaLower, shell.LambdaUpper, _ => 1) - predicted;
            exactSum += Math.Abs(residual);
            Assert.InRange(predicted, shell.PredictedLower - slack, shell.PredictedUpper + slack);
            Assert.InRange(residual, shell.ResidualLower - slack, shell.ResidualUpper + slack);
        }

        var floor = budget.Null.Floor;
        var nullResidual = second.Integrate(double.NegativeInfinity, floor, _ => 1) - first.Integrate(double.NegativeInfinity, floor, path.Transfer);
        Assert.InRange(nullResidual, budget.Null.ResidualLower - slack, budget.Null.ResidualUpper + slack);
        exactSum += Math.Abs(nullResidual);
        var exactFraction = exactSum / second.Mass;
        Assert.InRange(exactFraction, budget.TransportFractionLower - 1e-12, budget.TransportFractionUpper + 1e-12);
    }

    [Fact]
    public void Transfer_range_bounds_the_transfer_on_an_interval_containing_a_root()
    {
        var path = new LearningRatePath([new RateSegment(0.5, 3), new RateSegment(0.25, 2)]);
        var (min, max) = path.TransferRange(1, 6);
        for (var x = 1.0; x <= 6; x += 0.01)
        {
            Assert.InRange(path.Transfer(x), min, max);
        }

        Assert.Equal(0, min);
        Assert.Equal(Math.Pow(0.5 * 0.5, 3) * Math.Pow(0.75 * 0.75, 2), path.Transfer(1), 1e-15);
    }

    [Fact]
    public void Rate_segments_need_steps_and_a_finite_rate()
    {
        Assert.Throws<ArgumentException>(() => new LearningRatePath([new RateSegment(0.1, 0)]));
        Assert.Throws<ArgumentException>(() => new LearningRatePath([new RateSegment(double.NaN, 3)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DissipationProfile.Compute(
            ShellProfile.Compute(new SpectralMeasure(JacobiMatrix.Empty), Grid, Floor), new SpectralMeasure(JacobiMatrix.Empty), -1));
    }

    [Fact]
    public void A_zero_error_has_an_empty_budget_and_no_fraction()
    {
        var empty = new SpectralMeasure(JacobiMatrix.Empty);
        var profile = ShellProfile.Compute(empty, Grid, NullFloor.Relative());

        var budget = TransportBudget.Compute(empty, empty, profile, new LearningRatePath([new RateSegment(Eta, 3)]), fromStep: 1);

        Assert.Empty(budget.Shells);
        Assert.Equal(0, budget.Null.Residual);
        Assert.True(double.IsNaN(budget.TransportFraction));
    }

    private static (Tensor Matrix, Tensor Error) RandomProblem(double[] spectrum, ulong seed)
    {
        using var generator = new Generator(seed);
        var n = spectrum.Length;
        var (q, _) = linalg.qr(randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: generator));
        var a = (q * tensor(spectrum, dtype: ScalarType.Float64).unsqueeze(0)).mm(q.t());
        a = (a + a.t()) / 2;
        var e = randn(new long[] { n }, dtype: ScalarType.Float64, generator: generator);
        return (a, e);
    }

    // Explicit gradient descent on ½|e|²/n with a frozen kernel: e ← (I − η M) e, step by step.
    private static Tensor Descend(Tensor m, Tensor e, LearningRatePath path)
    {
        var current = e;
        foreach (var segment in path.Segments)
        {
            for (var k = 0; k < segment.Steps; k++)
            {
                current = current - segment.LearningRate * m.mv(current);
            }
        }

        return current;
    }
}
