using Microsoft.Extensions.Logging;
using TorchSharp;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>
/// The defaults that make a first run probe (issue 23, item 1): the probe set capped at its first examples, the probe path
/// warmed up at attach, and a budget postponement counted once per postponed probe and logged once per run.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class FirstRunDefaultsTests
{
    [Fact]
    public async Task TheMonitorProbesTheFirstMaxProbeExamplesAndSaysSo()
    {
        manual_seed(41);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 100, batchSize: 48);
        var logger = new Logging.CapturingLogger<TrainingMonitor>();
        var capped = SessionFixtures.EveryN(1);
        Assert.Equal(64, capped.MaxProbeExamples); // the default
        await using (var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, capped, logger: logger))
        {
            monitor.OnStep(1);
            await monitor.FlushAsync();
            // 64 examples of 2 outputs, in the set's batches of 48: 48 + 16.
            Assert.Equal(128, Assert.Single(monitor.History).ErrorEntries);
        }

        var said = Assert.Single(logger.Events, e => e.EventId.Id == 12);
        Assert.Equal(LogLevel.Information, said.Level);
        Assert.Equal((64, 100L), ((int)said["Examples"]!, (long)said["ProbeSetExamples"]!));

        var all = SessionFixtures.EveryN(1);
        all.MaxProbeExamples = 0;
        await using (var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, all))
        {
            monitor.OnStep(1);
            await monitor.FlushAsync();
            Assert.Equal(200, Assert.Single(monitor.History).ErrorEntries);
        }

        // The caller's set is untouched: the monitor probed its own copy of the prefix.
        Assert.Equal((100L, 3), (probe.Count, probe.Batches.Count));
    }

    [Fact]
    public void ANegativeCapIsRejectedByName()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var options = SessionFixtures.EveryN(1);
        options.MaxProbeExamples = -1;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options));
        Assert.Equal(nameof(MonitorOptions.MaxProbeExamples), error.ParamName);
    }

    [Fact]
    public void TheWarmUpAtAttachLeavesTheRunAsItWas()
    {
        manual_seed(42);
        using var model = SessionFixtures.Model();
        model.train();
        using var probe = SessionFixtures.Probe();
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        var rng = torch.random.get_rng_state();
        using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, SessionFixtures.EveryN(1));
        Assert.True(model.training);
        Assert.All(model.parameters().Zip(before), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        Assert.All(model.parameters(), p => Assert.True(p.grad is null));
        Assert.True(torch.random.get_rng_state().eq(rng).all().item<bool>());
        Assert.Equal(0, monitor.Status.ProbesTotal); // the warm-up is not a probe of the run
    }

    [Fact]
    public async Task APostponedProbeIsCountedOnceAndTheFirstIsLoggedWithItsCost()
    {
        manual_seed(43);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 16, batchSize: 16);
        var options = SessionFixtures.EveryN(1);
        // A probe of tens of milliseconds (the error function sleeps) against steps that train for nothing: at 50 % of the
        // training time measured over the run so far, every probe after the first waits.
        options.Schedule = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 1, OverheadBudget = 0.5, BudgetHorizonSteps = 0, FinalProbe = false };
        var logger = new Logging.CapturingLogger<TrainingMonitor>();
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SlowSquaredError(40), options, logger: logger);
        monitor.OnStep(1); // the first probe: no cost known yet
        for (var step = 2; step <= 6; step++)
        {
            monitor.OnStep(step); // one postponed probe, however many steps it waits
        }

        Assert.Equal((1L, 1L), (monitor.Status.ProbesTotal, monitor.Status.ProbesPostponedTotal));
        var probeSeconds = monitor.History[0].ProbeDurationSeconds;
        // What the budget counts for that probe (its measurement and its report), as the postponement's log line says. The
        // sleeps in the error function dominate it, so the next probe costs about the same. Training time of 4.5 such costs:
        // at 50 % it covers the second probe (spent + expected = 2 costs), not a third (about 3).
        var cost = (double)Assert.Single(logger.Events, e => e.EventId.Id == 11)["LastProbeSeconds"]!;
        Thread.Sleep(TimeSpan.FromSeconds(4.5 * cost));
        monitor.OnStep(7); // taken
        monitor.OnStep(8); // postponed again: a second one
        await monitor.FlushAsync();
        Assert.Equal((2L, 2L), (monitor.Status.ProbesTotal, monitor.Status.ProbesPostponedTotal));

        var logged = Assert.Single(logger.Events, e => e.EventId.Id == 11);
        Assert.Equal(2L, logged["Step"]);
        Assert.Equal("50.0 %", logged["Budget"]);
        // The cost the budget counts is the probe and its report (regime, energy budget, snapshot): a little more than the
        // probe's own duration, by far less than the 40 ms sleeps that make up the probe here.
        Assert.InRange((double)logged["LastProbeSeconds"]!, probeSeconds + 1e-9, probeSeconds + 0.05);
        Assert.Contains("probes_postponed_total", logged.Message, StringComparison.Ordinal);
    }
}
