using TrainMonitor.Regimes;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class RegimeAssertionTests
{
    private static TrainingRegime WarmThenLazy(long t) => t < 4 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing;

    private static TrainingRegime StagnantAt16And32(long t) => t is 16 or 32 ? TrainingRegime.LazyStagnant : WarmThenLazy(t);

    private static TrainingRegime OverfittingFrom256(long t) => t >= 256 ? TrainingRegime.Overfitting : t >= 4 ? TrainingRegime.FeatureLearning : TrainingRegime.WarmingUp;

    // Every alert state once: not learning early, a divergence, a stall, then overfitting; healthy in between.
    private static TrainingRegime EveryAlert(long t) => t switch
    {
        4 => TrainingRegime.NotLearning,
        16 => TrainingRegime.Unstable,
        64 => TrainingRegime.LazyStagnant,
        512 => TrainingRegime.Overfitting,
        _ => WarmThenLazy(t),
    };

    [Fact]
    public void Not_lazy_stagnant_passes_when_no_probe_was_stagnant()
    {
        var run = Run(Doubling, t => 1.0 / t, regime: WarmThenLazy);

        Assert.Same(run, run.AssertNotLazyStagnant());
    }

    [Fact]
    public void Not_lazy_stagnant_fails_naming_the_stagnant_steps_and_the_trackers_reason()
    {
        var run = Run(Doubling, t => 1.0, regime: StagnantAt16And32);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNotLazyStagnant());

        Assert.Contains("must not be lazy_stagnant, but it was at 2 probe(s), steps 16, 32; at step 16: regime reason at step 16", ex.Message);
        Assert.Contains("lazy_stagnant", ex.Table);
    }

    [Fact]
    public void Not_lazy_stagnant_judges_only_probes_from_the_given_step()
    {
        var run = Run(Doubling, t => 1.0, regime: StagnantAt16And32);

        run.AssertNotLazyStagnant(fromStep: 33);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNotLazyStagnant(fromStep: 32));
        Assert.Contains("from step 32 on, but it was at 1 probe(s), steps 32;", ex.Message);
    }

    [Fact]
    public void Not_overfitting_passes_when_no_probe_was_overfitting()
    {
        // Every other regime, the alerts among them: only overfitting fails this one.
        var run = Run(Doubling, t => 1.0, regime: t => t == 512 ? TrainingRegime.LazyStagnant : WarmThenLazy(t));

        Assert.Same(run, run.AssertNotOverfitting());
    }

    [Fact]
    public void Not_overfitting_fails_naming_the_overfitting_steps_and_the_trackers_reason()
    {
        var run = Run(Doubling, t => 1.0, regime: OverfittingFrom256);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNotOverfitting());

        Assert.Contains("must not be overfitting, but it was at 3 probe(s), steps 256, 512, 1024; at step 256: regime reason at step 256.", ex.Message);
        Assert.Contains("overfitting", ex.Table);
        Assert.Contains(ex.Table, ex.Message);
    }

    [Fact]
    public void Not_overfitting_judges_only_probes_from_the_given_step()
    {
        var run = Run(Doubling, t => 1.0, regime: OverfittingFrom256);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNotOverfitting(fromStep: 1024));
        Assert.Contains("must not be overfitting from step 1024 on, but it was at 1 probe(s), steps 1024;", ex.Message);
    }

    [Fact]
    public void No_alerts_passes_when_every_probe_was_warming_up_learning_or_progressing()
    {
        var run = Run(Doubling, t => 1.0 / t, regime: t => t < 4 ? TrainingRegime.WarmingUp : t < 64 ? TrainingRegime.FeatureLearning : TrainingRegime.LazyProgressing);

        Assert.Same(run, run.AssertNoAlerts());
    }

    [Fact]
    public void No_alerts_fails_listing_each_probe_in_an_alert_state_with_its_step_regime_and_reason()
    {
        var run = Run(Doubling, t => 1.0, regime: EveryAlert);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNoAlerts());

        Assert.Contains(
            "the run must raise no alert, but 4 of 11 probe(s) were in an alert state (1 unstable, 1 lazy_stagnant, 1 overfitting, 1 not_learning):\n" +
            "  step 4: not_learning — regime reason at step 4\n" +
            "  step 16: unstable — regime reason at step 16\n" +
            "  step 64: lazy_stagnant — regime reason at step 64\n" +
            "  step 512: overfitting — regime reason at step 512\n",
            ex.Message);
        Assert.Contains(ex.Table, ex.Message);
        Assert.Contains("/artifacts/synthetic", ex.Message);
    }

    [Fact]
    public void No_alerts_judges_only_probes_from_the_given_step()
    {
        var run = Run(Doubling, t => 1.0, regime: EveryAlert);

        run.AssertNoAlerts(fromStep: 513);
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNoAlerts(fromStep: 64));
        Assert.Contains("the run must raise no alert from step 64 on, but 2 of 5 probe(s) were in an alert state (1 lazy_stagnant, 1 overfitting):\n" +
                        "  step 64: lazy_stagnant — regime reason at step 64\n  step 512: overfitting — regime reason at step 512\n", ex.Message);
        Assert.DoesNotContain("step 16: unstable", ex.Message);
    }

    [Fact]
    public void No_alerts_covers_exactly_the_cores_alert_states()
    {
        // One run per regime, every probe in it: AssertNoAlerts fails exactly for the states the core calls alerts.
        foreach (var regime in TrainingRegimeNames.All)
        {
            var run = Run(Doubling, t => 1.0, regime: _ => regime);
            var failed = Record.Exception(() => run.AssertNoAlerts());
            Assert.True(regime.IsAlert() == failed is TrainingDynamicsAssertionException, $"{regime.ToWireName()}: {failed?.Message}");
        }
    }

    [Fact]
    public void Regime_reached_passes_when_any_probe_reported_it()
    {
        var run = Run(Doubling, t => 1.0, regime: StagnantAt16And32);

        run.AssertRegimeReached(TrainingRegime.WarmingUp)
            .AssertRegimeReached(TrainingRegime.LazyProgressing)
            .AssertRegimeReached(TrainingRegime.LazyStagnant);
        Assert.Equal(TrainingRegime.LazyProgressing, run.FinalRegime);
    }

    [Fact]
    public void Regime_reached_fails_listing_the_regimes_by_step()
    {
        var run = Run(Doubling, t => 1.0, regime: StagnantAt16And32);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertRegimeReached(TrainingRegime.FeatureLearning));

        Assert.Contains("must reach feature_learning, but it never did; regimes by step: warming_up (1–2), lazy_progressing (4–8), " +
                        "lazy_stagnant (16–32), lazy_progressing (64–1024).", ex.Message);
    }
}
