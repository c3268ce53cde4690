using TrainMonitor.Regimes;
using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Regimes;

/// <summary>The frozen kernel's half-life against closed forms: one node decays as (1 − ηθ)^(2N).</summary>
public sealed class FrozenKernelHorizonTests
{
    private static SpectralMeasure Measure(params (double Node, double Weight)[] atoms)
    {
        var sorted = atoms.OrderBy(a => a.Node).ToArray();
        return new(JacobiMatrix.FromDiscreteMeasure(sorted.Select(a => a.Node).ToArray(), sorted.Select(a => a.Weight).ToArray()));
    }

    [Theory]
    [InlineData(1.0, 1e-3)]
    [InlineData(0.01, 0.1)]
    [InlineData(5.0, 0.02)]
    public void One_node_halves_after_ln_half_over_ln_of_its_squared_factor(double node, double rate)
    {
        var expected = Math.Log(0.5) / (2.0 * Math.Log(1.0 - rate * node));
        var measured = FrozenKernelHorizon.HalfLife(Measure((node, 2.5)), rate, nullFloor: 0.0);

        // Bisection to 1e-3 in ln N, then rounded to whole steps.
        Assert.InRange(measured, Math.Floor(expected * Math.Exp(-2e-3)), Math.Ceiling(expected * Math.Exp(2e-3)));
    }

    [Fact]
    public void Two_nodes_of_equal_weight_halve_when_the_fast_one_is_gone_and_the_slow_one_has_not_moved()
    {
        // θ = 1 and θ = 1e-6 at η = 0.1: after N steps the fast node keeps 0.81^N and the slow one (1 − 1e-7)^(2N) ≈ 1, so
        // half the energy is left once 0.81^N + (1 − 1e-7)^(2N) = 1, i.e. N with 0.81^N = 2e-7·N to first order.
        var measured = FrozenKernelHorizon.HalfLife(Measure((1.0, 1.0), (1e-6, 1.0)), 0.1, nullFloor: 0.0);
        double Remaining(double n) => Math.Pow(0.81, n) + Math.Pow(1 - 1e-7, 2 * n);
        // Whole steps: one step earlier more than half is left, one step later less.
        Assert.True(Remaining(measured - 1) > 1.0 && Remaining(measured + 1) < 1.0, $"N = {measured}");
    }

    [Fact]
    public void Energy_below_the_null_floor_or_at_unstable_nodes_never_decays()
    {
        // Three quarters of the energy at a node under the floor: the rest cannot halve the total.
        Assert.Equal(double.PositiveInfinity, FrozenKernelHorizon.HalfLife(Measure((1e-12, 3.0), (1.0, 1.0)), 0.1, nullFloor: 1e-9));
        // ηθ = 2.5 ≥ 2: gradient descent grows that mode instead.
        Assert.Equal(double.PositiveInfinity, FrozenKernelHorizon.HalfLife(Measure((25.0, 3.0), (1.0, 1.0)), 0.1, nullFloor: 0.0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Without_a_usable_learning_rate_there_is_no_horizon(double rate) =>
        Assert.True(double.IsNaN(FrozenKernelHorizon.HalfLife(Measure((1.0, 1.0)), rate, nullFloor: 0.0)));
}
