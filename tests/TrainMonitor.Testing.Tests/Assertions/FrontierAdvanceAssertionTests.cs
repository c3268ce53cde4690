using TrainMonitor.Outputs.Reporting;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class FrontierAdvanceAssertionTests
{
    // λ_f = 1/t: the lazy linear rate c = 1, one decade per decade of steps.
    private static MonitoredRun LazyLinear(long[] steps) => Run(steps, t => 1.0 / t, frontier: t => 1.0 / t);

    [Fact]
    public void Passes_when_the_frontier_moved_down_by_at_least_the_required_decades()
    {
        var run = LazyLinear([1, 10, 100]);

        Assert.Equal(2.0, run.FrontierAdvanceDecades(), 12);
        Assert.Same(run, run.AssertFrontierAdvanced(2.0 - 1e-9));
        run.AssertFrontierAdvanced(1.5);
    }

    [Fact]
    public void Fails_with_the_advance_the_endpoints_and_the_table()
    {
        var run = LazyLinear([1, 10, 100]);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(2.5));

        Assert.Contains("must advance by at least 2.5 decades, but it moved 2 decades (certified: 2)", ex.Message);
        Assert.Contains("λ_f = 1.000E+000 [1.000E+000, 1.000E+000] at step 1 → 1.000E-002 [1.000E-002, 1.000E-002] at step 100", ex.Message);
        Assert.Contains("determined at 3 of 3 probes", ex.Message);
        Assert.Contains(ShellProfileTable.Render(run.Snapshots), ex.Message);
        Assert.Contains("artifacts: /artifacts/synthetic", ex.Message);
        Assert.Equal("/artifacts/synthetic", ex.ArtifactsDirectory);
        Assert.Equal("synthetic", ex.RunName);
    }

    [Fact]
    public void A_frontier_that_moved_up_is_a_negative_advance()
    {
        var run = Run([1, 10], t => 1.0, frontier: t => t);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(0));

        Assert.Equal(-1.0, run.FrontierAdvanceDecades(), 12);
        Assert.Contains("it moved -1 decades", ex.Message);
    }

    [Fact]
    public void Measures_between_the_first_and_last_determined_probes_and_names_the_others()
    {
        // Determined at steps 2 and 8 only.
        var run = Run([1, 2, 4, 8, 16], t => 1.0, frontier: t => t is 2 or 8 ? 1.0 / t : double.NaN);

        Assert.Equal(Math.Log10(4), run.FrontierAdvanceDecades(), 12);
        run.AssertFrontierAdvanced(0.6);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(0.61));
        Assert.Contains("determined at 2 of 5 probes", ex.Message);
        Assert.Contains($"Undetermined at 3 probe(s): step 1 ({UndeterminedReason}); step 4 ({UndeterminedReason}); step 16 ({UndeterminedReason})", ex.Message);
    }

    [Fact]
    public void Fails_honestly_when_fewer_than_two_probes_determined_the_frontier()
    {
        var run = Run([1, 2, 4], t => 1.0, frontier: t => t == 2 ? 0.5 : double.NaN);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(0));

        Assert.True(double.IsNaN(run.FrontierAdvanceDecades()));
        Assert.Contains("determined at 1 of 3 probes, fewer than the two an advance needs", ex.Message);
        Assert.Contains($"step 1 ({UndeterminedReason}); step 4 ({UndeterminedReason})", ex.Message);
        Assert.Contains("undetermined", ex.Table);
    }

    // λ_f = 1/t certified within a factor 1.5 either way: the intervals guarantee 2 − 2·log10(1.5) ≈ 1.648 of the 2 decades.
    private static MonitoredRun LazyLinearWithinFactor(long[] steps, Func<long, double>? upper = null) =>
        Run(steps, t => 1.0 / t, frontier: t => 1.0 / t, interval: t => (1.0 / t / 1.5, upper?.Invoke(t) ?? 1.5 / t));

    [Fact]
    public void A_certified_advance_passes_when_the_last_upper_end_is_far_enough_below_the_first_lower_end()
    {
        var run = LazyLinearWithinFactor([1, 10, 100]);

        Assert.Equal(2 - 2 * Math.Log10(1.5), run.CertifiedFrontierAdvanceDecades(), 12);
        Assert.Same(run, run.AssertFrontierAdvanced(1.6, certified: true));
        run.AssertFrontierAdvanced(1.9); // the estimates moved 2 decades
    }

    [Fact]
    public void A_certified_advance_fails_when_only_the_estimates_moved_far_enough_and_cites_both_intervals()
    {
        var run = LazyLinearWithinFactor([1, 10, 100]);
        run.AssertFrontierAdvanced(1.7, certified: false);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(1.7, certified: true));

        Assert.Contains(
            "the frontier must advance by at least 1.7 certified decades (last upper end below the first lower end), but the " +
            "certified intervals guarantee 1.648 decades (the estimates moved 2): " +
            "λ_f = 1.000E+000 [6.667E-001, 1.500E+000] at step 1 → 1.000E-002 [6.667E-003, 1.500E-002] at step 100 " +
            "(determined at 3 of 3 probes).",
            ex.Message);
    }

    [Fact]
    public void An_unbounded_upper_end_at_the_last_probe_certifies_no_advance()
    {
        var run = LazyLinearWithinFactor([1, 10, 100], upper: t => t == 100 ? double.PositiveInfinity : 1.5 / t);

        Assert.Equal(double.NegativeInfinity, run.CertifiedFrontierAdvanceDecades());
        run.AssertFrontierAdvanced(2.0 - 1e-9);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(0, certified: true));
        Assert.Contains("the certified intervals guarantee -∞ decades (the estimates moved 2)", ex.Message);
        Assert.Contains("→ 1.000E-002 [6.667E-003, ∞] at step 100", ex.Message);
    }

    [Fact]
    public void A_certified_advance_on_exact_spectra_is_the_advance_of_the_estimates()
    {
        var run = LazyLinear([1, 10, 100]);

        Assert.Equal(run.FrontierAdvanceDecades(), run.CertifiedFrontierAdvanceDecades(), 12);
        run.AssertFrontierAdvanced(2.0 - 1e-9, certified: true);
        Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(2.0 + 1e-9, certified: true));
    }

    [Fact]
    public void A_certified_advance_also_needs_two_determined_probes()
    {
        var run = Run([1, 2, 4], t => 1.0, frontier: t => t == 2 ? 0.5 : double.NaN);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertFrontierAdvanced(0, certified: true));

        Assert.True(double.IsNaN(run.CertifiedFrontierAdvanceDecades()));
        Assert.Contains("at least 0 certified decades (last upper end below the first lower end), but it was determined at 1 of 3 probes", ex.Message);
    }

    [Fact]
    public void Rejects_a_requirement_that_is_not_a_number()
    {
        var run = LazyLinear([1, 10]);

        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertFrontierAdvanced(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertFrontierAdvanced(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.AssertFrontierAdvanced(double.NaN, certified: true));
    }
}
