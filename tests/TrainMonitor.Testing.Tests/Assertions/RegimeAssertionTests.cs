using TrainMonitor.Regimes;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class RegimeAssertionTests
{
    private static TrainingRegime WarmThenLazy(long t) => t < 4 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing;

    private static TrainingRegime StagnantAt16And32(long t) => t is 16 or 32 ? TrainingRegime.LazyStagnant : WarmThenLazy(t);

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
