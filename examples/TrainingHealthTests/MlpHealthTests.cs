using TrainMonitor.Regimes;
using TrainMonitor.Testing;

namespace TrainingHealthTests;

/// <summary>
/// What the team requires of its reference training. Each requirement is its own test so a red CI run names it; a
/// failure prints the run's shell-profile table and the folder holding its JSON lines and plots.
/// </summary>
/// <remarks>
/// Margins, measured on seeds 1–3 of this setup (model and data seeds): the error energy fell by a factor of 1500–4000
/// over 1024 steps (required: 100); from step 64 on it fell as t^(−0.87) to t^(−1.02) (required: t^(−0.5)); the kernel
/// velocity peaked at 0.034–0.041 per unit ln t (feature_learning needs more than 0.02); no probe was lazy_stagnant.
/// The error energy rises by 59 % from step 8 to 16 (a momentum overshoot); since the tracker asks growth to be sustained
/// over two window probes, that rebound is no longer called unstable (it stays below the energy at step 4).
/// The frontier-advance assertion is not used. The quantile frontier is reported at every probe (the fit is undetermined at
/// all 11: the profile is certified multimodal) and fell 1.41 decades from step 1 to 1024 on seed 1, but not
/// monotonically: 0.0072 at step 512, 0.041 at 1024, as the last of the error moves to the top of the spectrum. A 1-decade
/// requirement would pass with a margin that one seed does not justify.
/// </remarks>
[Collection(TrainingCollection.Name)]
public sealed class MlpHealthTests(HealthyRun reference) : IClassFixture<HealthyRun>
{
    private readonly MonitoredRun _run = reference.Run;

    [Fact]
    public void Every_probe_succeeds() => _run.AssertNoProbeFailures();

    [Fact]
    public void Error_energy_falls_by_two_decades() => _run.AssertErrorEnergyDecreased(factor: 100);

    [Fact]
    public void Error_energy_falls_at_least_as_one_over_root_t_after_warm_up() =>
        _run.AssertErrorEnergyExponentAtLeast(0.5, fromStep: 64);

    [Fact]
    public void Training_never_stalls_in_the_lazy_regime() => _run.AssertNotLazyStagnant();

    [Fact]
    public void The_network_learns_features() => _run.AssertRegimeReached(TrainingRegime.FeatureLearning);
}
