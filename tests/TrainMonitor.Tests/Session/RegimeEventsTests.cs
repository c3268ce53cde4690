using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>The session and the real regime tracker together: a regime change becomes one event, in order.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class RegimeEventsTests
{
    [Fact]
    public async Task LeavingWarmUpEmitsOneRegimeChangedEventAfterTheProbeThatCausedIt()
    {
        manual_seed(31);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var sink = new RecordingSink();
        var options = SessionFixtures.EveryN(2);
        await using (var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, [sink]))
        {
            // The weights do not change: no kernel motion, no energy growth. After warm-up the tracker must leave
            // warming_up for a lazy regime, and the monitor must say so once.
            for (var step = 1; step <= 20; step++)
            {
                monitor.OnStep(step, learningRate: 0.01);
            }

            await monitor.FlushAsync();
            Assert.Equal(10, monitor.Status.ProbesTotal);
        }

        var events = sink.Events.ToArray();
        var snapshots = events.OfType<ProbeCompleted>().Select(e => e.Snapshot).ToArray();
        Assert.Equal(options.Regime.MinimumProbes - 1, snapshots.Count(s => s.Assessment.Regime == TrainingRegime.WarmingUp));
        var changes = events.OfType<RegimeChanged>().ToArray();
        var first = changes[0];
        Assert.Equal(TrainingRegime.WarmingUp, first.Previous);
        Assert.Equal(snapshots[options.Regime.MinimumProbes - 1].Assessment.Regime, first.Current);
        Assert.Equal(snapshots[options.Regime.MinimumProbes - 1].Step, first.Step);
        // Frozen weights: exactly zero kernel distance, so never feature learning.
        Assert.All(snapshots.Skip(1), s => Assert.Equal(0.0, s.Assessment.KernelDistance, 12));
        Assert.DoesNotContain(changes, c => c.Current == TrainingRegime.FeatureLearning);
        // The event follows the snapshot that caused it.
        var changeIndex = Array.IndexOf(events, first);
        var causeIndex = Array.FindIndex(events, e => e is ProbeCompleted p && p.Snapshot.Step == first.Step);
        Assert.True(causeIndex >= 0 && causeIndex < changeIndex);
        // Every later change is between the regimes of two consecutive snapshots.
        foreach (var change in changes)
        {
            var i = Array.FindIndex(snapshots, s => s.Step == change.Step);
            Assert.Equal(snapshots[i - 1].Assessment.Regime, change.Previous);
            Assert.Equal(snapshots[i].Assessment.Regime, change.Current);
        }
    }
}
