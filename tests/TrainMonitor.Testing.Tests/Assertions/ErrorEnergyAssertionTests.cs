using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class ErrorEnergyAssertionTests
{
    [Fact]
    public void The_exponent_of_an_exact_power_law_is_recovered_to_round_off()
    {
        var run = Run(Doubling, t => 3.0 * Math.Pow(t, -0.7));

        // ln E is exactly linear in ln t, so the least-squares slope is exact up to double round-off (~1e-15 relative).
        Assert.Equal(0.7, run.ErrorEnergyExponent(), 12);
        Assert.Same(run, run.AssertErrorEnergyExponentAtLeast(0.7 - 1e-9));
        run.AssertErrorEnergyExponentAtLeast(0.0);
    }

    [Fact]
    public void Exponent_below_the_requirement_fails_with_the_measured_exponent_and_the_window()
    {
        var run = Run(Doubling, t => 3.0 * Math.Pow(t, -0.7));

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyExponentAtLeast(0.75));

        Assert.Contains("must fall at least as t^(−0.75), but it fell as t^(−0.7)", ex.Message);
        Assert.Contains("over 11 probes, steps 1–1024", ex.Message);
        Assert.Contains("E = 3.000E+000 →", ex.Message);
    }

    [Fact]
    public void From_step_leaves_the_initial_transient_out()
    {
        // Flat until step 64, then E ∝ 1/t: the whole run's slope is diluted, the slope from step 64 is exactly 1.
        var run = Run(Doubling, t => t < 64 ? 1.0 : 64.0 / t);

        Assert.Equal(1.0, run.ErrorEnergyExponent(fromStep: 64), 12);
        Assert.True(run.ErrorEnergyExponent() < 0.7);
        run.AssertErrorEnergyExponentAtLeast(0.99, fromStep: 64);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyExponentAtLeast(0.99));
        Assert.Contains("over 11 probes, steps 1–1024", ex.Message);
    }

    [Fact]
    public void Exponent_needs_two_probes_in_range()
    {
        var run = Run(Doubling, t => 1.0 / t);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyExponentAtLeast(0.5, fromStep: 1000));

        Assert.True(double.IsNaN(run.ErrorEnergyExponent(fromStep: 1000)));
        Assert.Contains("from step 1000 on, but only 1 probe(s) with a finite positive error energy are in range", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertErrorEnergyExponentAtLeast(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertErrorEnergyExponentAtLeast(0.5, fromStep: 0));
    }

    [Fact]
    public void Energy_decrease_compares_the_first_and_last_probes()
    {
        var run = Run([1, 10, 100], t => 100.0 / t);

        run.AssertErrorEnergyDecreased(100 - 1e-9).AssertErrorEnergyDecreased(1);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(200));
        Assert.Contains("must fall by a factor of at least 200, but it went from 1.000E+002 at step 1 to 1.000E+000 at step 100 (factor 100, 3 probes)", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertErrorEnergyDecreased(0));
    }

    [Fact]
    public void Energy_decrease_needs_two_probes()
    {
        var run = Run([5], t => 1.0);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(0.5));
        Assert.Contains("(factor 1, 1 probes)", ex.Message);
    }
}
