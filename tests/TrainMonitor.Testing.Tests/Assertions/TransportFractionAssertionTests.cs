using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class TransportFractionAssertionTests
{
    /// <summary>
    /// Probes at steps 1, 2, 4, …, 64; the interval ending at each probe after the first has transport fraction
    /// <paramref name="fraction"/>(step), certified within [½, 2] of it (exact when <paramref name="exact"/>).
    /// </summary>
    private static MonitoredRun Budgeted(Func<long, double> fraction, bool exact = false) => MonitoredRun.FromSnapshots(
        Doubling.Take(7).Select((step, i) => Snapshot(step, 1.0, probeIndex: i + 1) with
        {
            Transport = i == 0 ? null : new TransportBudget
            {
                FromStep = step / 2,
                ToStep = step,
                Shells = [],
                Null = new NullTransport(1e-10, 0, 0, 0, 0, 0, 0, 0),
                MeasuredEnergy = 1,
                PredictedEnergy = 1,
                TransportFraction = fraction(step),
                TransportFractionLower = exact ? fraction(step) : fraction(step) / 2,
                TransportFractionUpper = exact ? fraction(step) : fraction(step) * 2,
                IsExact = exact,
            },
        }));

    [Fact]
    public void A_lazy_run_passes_at_most_and_fails_at_least_with_the_median_it_had()
    {
        var run = Budgeted(_ => 0.01);

        Assert.Equal(0.01, run.MedianTransportFraction(), 12);
        Assert.Same(run, run.AssertTransportFractionAtMost(0.05));
        run.AssertTransportFractionAtMost(0.03, certified: true); // upper bounds 0.02

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertMedianTransportFractionAtLeast(0.2));
        Assert.Contains("the median transport fraction over the probe intervals must be at least 0.2, but it was 0.01 over 6 interval(s) (steps 2–64", ex.Reason);
        Assert.Contains("the frozen kernel explains most of the run", ex.Reason);
    }

    [Fact]
    public void At_most_names_every_interval_above_and_the_largest_with_its_certified_interval()
    {
        // 0.5 from step 16 on: the kernel started moving.
        var run = Budgeted(step => step < 16 ? 0.01 : 0.5);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertTransportFractionAtMost(0.1));

        Assert.Contains("the transport fraction must be at most 0.1 on every probe interval, but it was above at 3 of 6 interval(s) (steps 16, 32, 64)", ex.Reason);
        Assert.Contains("the largest: 0.5 [0.25, 1] over steps 8–16", ex.Reason);
        Assert.Contains("the frozen kernel does not explain the run", ex.Reason);
        run.AssertMedianTransportFractionAtLeast(0.2, fromStep: 16);
    }

    [Fact]
    public void From_step_and_certified_bounds_change_what_is_judged()
    {
        var run = Budgeted(step => step < 16 ? 0.5 : 0.04);

        run.AssertTransportFractionAtMost(0.05, fromStep: 16);
        // Upper bounds 0.08 > 0.05: not certified.
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertTransportFractionAtMost(0.05, fromStep: 16, certified: true));
        Assert.Contains("at most 0.05 (certified upper bound) on every probe interval from step 16 on", ex.Reason);

        run.AssertMedianTransportFractionAtLeast(0.25, fromStep: 2);
        Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertMedianTransportFractionAtLeast(0.25, fromStep: 2, certified: true));
        Budgeted(_ => 0.4, exact: true).AssertMedianTransportFractionAtLeast(0.4, certified: true).AssertTransportFractionAtMost(0.4, certified: true);
    }

    [Fact]
    public void Both_fail_clearly_when_no_interval_has_a_budget()
    {
        var run = Run(Doubling, t => 1.0 / t);

        Assert.True(double.IsNaN(run.MedianTransportFraction()));
        foreach (var assertion in new Action[] { () => run.AssertTransportFractionAtMost(1), () => run.AssertMedianTransportFractionAtLeast(0) })
        {
            var ex = Assert.Throws<TrainingDynamicsAssertionException>(assertion);
            Assert.Contains("but no probe has an energy budget among 11 probes (no learning rate passed to OnStep", ex.Reason);
            Assert.Contains("or a file written before the energy budget existed", ex.Reason);
        }

        var late = Budgeted(_ => 0.1);
        var lateEx = Assert.Throws<TrainingDynamicsAssertionException>(() => late.AssertTransportFractionAtMost(1, fromStep: 1000));
        Assert.Contains("no probe interval from step 1000 on has an energy budget with a transport fraction (6 budget(s) in all)", lateEx.Reason);
    }

    [Fact]
    public void A_run_without_probes_fails_on_that_and_a_requirement_that_is_not_a_number_is_an_argument_error()
    {
        var empty = MonitoredRun.FromSnapshots([], trainingSteps: 100);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => empty.AssertTransportFractionAtMost(0.1));
        Assert.Contains("no probe completed in 100 training steps", ex.Reason);
        Assert.Throws<ArgumentOutOfRangeException>("max", () => Budgeted(_ => 0.1).AssertTransportFractionAtMost(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("min", () => Budgeted(_ => 0.1).AssertMedianTransportFractionAtLeast(double.PositiveInfinity));
    }
}
