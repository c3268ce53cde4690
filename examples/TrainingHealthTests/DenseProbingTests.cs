using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Testing;

namespace TrainingHealthTests;

/// <summary>
/// The reference training probed densely (every 8 steps, as a user who sets <c>Schedule:Kind=EveryNSteps</c> would): a
/// healthy run whose loss keeps falling must not flap between regimes or raise any alert (be called unstable for
/// stochastic noise, overfitting, stagnant or not learning). The test-sized version of the 140k-step QuickStart run of
/// docs/validation.md.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class DenseProbingTests
{
    [Fact]
    public async Task A_healthy_run_probed_every_eight_steps_keeps_its_regime()
    {
        var options = HealthSettings.Options(runName: "mlp-teacher-dense");
        options.Monitor.Schedule = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 8, OverheadBudget = 0 };

        var run = await HealthyRun.TrainAsync(2048, options);

        var regimes = run.Snapshots.Select(s => s.Assessment.Regime).ToArray();
        var changes = regimes.Zip(regimes.Skip(1)).Count(p => p.First != p.Second);
        var trace = string.Join(", ", run.Snapshots.Where((s, i) => i == 0 || regimes[i] != regimes[i - 1]).Select(s => $"{s.Step}: {s.Assessment.Regime.ToWireName()} ({s.Assessment.Reason})"));
        Assert.True(run.Snapshots.Count == 256, $"{run.Snapshots.Count} probes");
        Assert.True(changes <= 3, $"{changes} regime changes: {trace}");
        // Every alert state the core names (unstable, overfitting, lazy_stagnant, not_learning), not only the first two.
        run.AssertNoAlerts().AssertErrorEnergyDecreased(factor: 100);
    }
}
