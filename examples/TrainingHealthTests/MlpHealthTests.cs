using TrainMonitor.Regimes;
using TrainMonitor.Testing;

namespace TrainingHealthTests;

/// <summary>
/// What the team requires of its reference training. Each requirement is its own test so a red CI run names it; a
/// failure prints the run's shell-profile table and the folder holding its JSON lines and plots.
/// </summary>
/// <remarks>
/// Margins, measured on seeds 1–3 of this setup (model and data seeds): the error energy fell by a factor of 1500–4000
/// over 1024 steps (required: 100); from step 64 on it fell as t^(−0.87) to t^(−1.02) (required: t^(−0.5)); no probe was
/// lazy_stagnant. The kernel velocity is in radians the tangent kernel turned since the first probe per e-fold of the
/// held-out loss's fall: on seed 1 it was 0.29 at step 4 and fell to 0.076 at step 1024 as the loss kept falling, always
/// above the pinned 0.02 that feature_learning needs (half of it once there). The error energy, and with it the held-out
/// loss, rises by 59 % from step 8 to 16 (a momentum overshoot) while the mean training loss keeps falling (0.72 → 0.42):
/// the tracker calls a rise unstable only with the training loss rising, and overfitting only when the median of three
/// probes rises beyond its noise or the held-out loss stays above its best at two probes while the training loss halves,
/// so that one-probe rebound is neither.
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
    public void No_probe_raises_an_alert_from_the_first_on() => _run.AssertNoAlerts();

    [Fact]
    public void The_network_learns_features() => _run.AssertRegimeReached(TrainingRegime.FeatureLearning);
}
