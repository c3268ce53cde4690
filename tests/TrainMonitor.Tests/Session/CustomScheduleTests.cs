using TrainMonitor.Outputs;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using Xunit;

namespace TrainMonitor.Tests.Session;

public sealed class CustomScheduleTests
{
    /// <summary>Probes at a fixed list of steps: a schedule no option can describe.</summary>
    private sealed class AtSteps(params long[] steps) : IProbeSchedule
    {
        public bool IsDue(long step, ScheduleContext context) => Array.IndexOf(steps, step) >= 0;
    }

    [Fact]
    public async Task A_schedule_passed_to_attach_decides_the_probe_steps_instead_of_the_options()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 24, batchSize: 16);
        var sink = new RecordingSink();
        // The options alone would probe every 4 steps (4, 8, 12); the schedule must win.
        var options = SessionFixtures.EveryN(4);
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, [sink],
            schedule: new AtSteps(3, 7, 11));
        for (var step = 1; step <= 12; step++)
        {
            monitor.OnStep(step, learningRate: 0.05, loss: 0.25);
        }

        await monitor.FlushAsync();
        Assert.Equal([3L, 7L, 11L], sink.Of<ProbeCompleted>().Select(e => e.Step).ToArray());
    }
}
