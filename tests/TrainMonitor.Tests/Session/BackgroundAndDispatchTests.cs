using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Operators;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Shells;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class BackgroundAndDispatchTests
{
    [Fact]
    public async Task ADueProbeWhileOneIsRunningIsSkippedAndReported()
    {
        manual_seed(21);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        // Slow probes: 150 ms per batch forward, 2 batches.
        var slow = SessionFixtures.SlowSquaredError(sleepMilliseconds: 150);
        var sink = new RecordingSink();
        var monitor = TrainingMonitor.Attach(model, probe, slow, SessionFixtures.EveryN(1, ExecutionMode.Background), [sink],
            modelFactory: SessionFixtures.Model);
        var onStep = Stopwatch.StartNew();
        for (var step = 1; step <= 40; step++)
        {
            monitor.OnStep(step);
            Thread.Sleep(5);
        }

        onStep.Stop();
        await monitor.DisposeAsync();
        var status = monitor.Status;
        Assert.True(status.ProbesTotal >= 1, "no probe ran");
        Assert.True(status.ProbesSkippedTotal >= 20, $"only {status.ProbesSkippedTotal} skipped");
        Assert.Equal(40, status.ProbesTotal + status.ProbesSkippedTotal + status.ProbeFailuresTotal);
        var skipped = sink.Of<ProbeSkipped>();
        Assert.Equal(status.ProbesSkippedTotal, skipped.Length);
        Assert.Equal(Enumerable.Range(1, skipped.Length).Select(i => (long)i).ToArray(), skipped.Select(s => s.SkippedTotal).ToArray());
        Assert.All(skipped, s => Assert.Contains("still running", s.Reason));
        Assert.Equal(status.ProbesTotal, sink.Of<ProbeCompleted>().Length);
        // One session, one run id: on the status, every snapshot and every skip (the metrics' run_id label).
        Assert.True(Guid.TryParse(status.RunId, out _), status.RunId);
        Assert.All(skipped, s => Assert.Equal(status.RunId, s.RunId));
        Assert.All(sink.Of<ProbeCompleted>(), c => Assert.Equal(status.RunId, c.Snapshot.RunId));
        // OnStep returned at once: 40 steps of 5 ms, not 40 probes of 300 ms.
        Assert.True(onStep.Elapsed < TimeSpan.FromSeconds(3), $"the training loop took {onStep.Elapsed}");
    }

    [Fact]
    public async Task DisposeDeliversEveryEventThroughASlowSinkAndAThrowingSinkDoesNotStopTheOthers()
    {
        manual_seed(22);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        using var gate = new SemaphoreSlim(0);
        var throwing = new ThrowingSink();
        var gated = new RecordingSink(gate);
        var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, SessionFixtures.EveryN(5), [throwing, gated]);
        for (var step = 1; step <= 60; step++)
        {
            monitor.OnStep(step, learningRate: 0.1, loss: 1.0 / step);
        }

        // The training loop finished although the sink has not written a single event: it never waited on sink I/O.
        Assert.Empty(gated.Events);
        Assert.Equal(12, monitor.Status.ProbesTotal);

        gate.Release();
        await monitor.DisposeAsync();
        var completed = gated.Of<ProbeCompleted>();
        Assert.Equal(monitor.Status.ProbesTotal, completed.Length);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => 5L * i).ToArray(), completed.Select(c => c.Step).ToArray());
        Assert.True(gated.Flushes >= 1, "sinks were not flushed");
        Assert.Equal(gated.Events.Count, throwing.Attempts);
        monitor.OnStep(61); // after disposal: ignored, no exception
        Assert.Equal(12, monitor.Status.ProbesTotal);
    }

    [Fact]
    public async Task SnapshotsCarryTheProbeAndTheRunsFigures()
    {
        manual_seed(23);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 24, batchSize: 16);
        var sink = new RecordingSink();
        var options = SessionFixtures.EveryN(4);
        // Lanczos pinned: the operator-application count below is that of m steps plus the sketch.
        options.Probe.Method = ProbeMethod.Lanczos;
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, [sink]);
        for (var step = 1; step <= 8; step++)
        {
            Thread.Sleep(2);
            monitor.OnStep(step, learningRate: 0.05, loss: 0.25);
        }

        var early = monitor.History;
        await monitor.FlushAsync();
        Assert.Equal(2, sink.Of<ProbeCompleted>().Length);
        var snapshot = monitor.History[^1];
        Assert.Equal(("test", 8L, 2L, 0.05, 0.25), (snapshot.Run, snapshot.Step, snapshot.ProbeIndex, snapshot.LearningRate, snapshot.TrainingLoss));
        Assert.Equal(24 * SessionFixtures.Outputs, snapshot.ErrorEntries);
        Assert.Equal(6, snapshot.LanczosSteps);
        Assert.Equal([ProbeMethod.Lanczos, ProbeMethod.Lanczos], snapshot.ProbeMethods);
        // Forced, not fallen back: the snapshot tells the two apart.
        Assert.Equal(ProbeMethod.Lanczos, snapshot.ProbeMethodRequested);
        Assert.Null(snapshot.ProbeFallbackReason);
        Assert.Equal(2.0, snapshot.ShellRatio);
        Assert.True(snapshot.ErrorEnergy > 0 && snapshot.LambdaMax > 0 && snapshot.SpectralPosition > 0);
        Assert.NotEmpty(snapshot.Shells);
        Assert.All(snapshot.Shells, s => Assert.True(s.Lower <= s.Estimate + 1e-12 && s.Estimate <= s.Upper + 1e-12));
        var shellSum = snapshot.Shells.Sum(s => s.Estimate) + snapshot.NullEnergy;
        Assert.Equal(snapshot.ErrorEnergy, shellSum, 1e-9 * snapshot.ErrorEnergy);
        Assert.True(snapshot.NullFloor > 0);
        Assert.Equal(TrainingRegime.WarmingUp, snapshot.Assessment.Regime);
        Assert.True(snapshot.ProbeDurationSeconds > 0);
        Assert.True(snapshot.OverheadRatio > 0 && double.IsFinite(snapshot.OverheadRatio));
        Assert.True(snapshot.OperatorApplications >= 2 * (6 + 2) - 4, $"{snapshot.OperatorApplications} operator applications");
        Assert.Equal(monitor.History.Sum(s => s.OperatorApplications), monitor.Status.OperatorApplicationsTotal);
        Assert.True(double.IsFinite(monitor.Status.OverheadRatio));
        // History is an immutable copy: the list taken after the first probes did not grow.
        Assert.Equal(2, early.Count);
        monitor.OnStep(12);
        Assert.Equal(2, early.Count);
        Assert.Equal(3, monitor.History.Count);
    }

    [Fact]
    public async Task ByDefaultAGramEligibleModelIsProbedExactlyAndTheSnapshotSaysSo()
    {
        manual_seed(29);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 24, batchSize: 16);
        var options = SessionFixtures.EveryN(4);
        options.Probe = new SpectralProbeOptions { SketchVectors = 2 };
        Assert.Equal(ProbeMethod.Auto, options.Probe.Method);
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options);
        monitor.OnStep(4, learningRate: 0.05, loss: 0.25);
        await monitor.FlushAsync();

        var snapshot = Assert.Single(monitor.History);
        Assert.Equal([ProbeMethod.Gram, ProbeMethod.Gram], snapshot.ProbeMethods);
        Assert.Equal(ProbeMethod.Auto, snapshot.ProbeMethodRequested);
        Assert.Null(snapshot.ProbeFallbackReason);
        // Exact spectra: no Lanczos products, only the sketch's (2 vectors per batch).
        Assert.Equal(2 * 2, snapshot.OperatorApplications);
    }

    [Fact]
    public async Task WhenAutoFallsBackTheSnapshotCarriesTheReasonAndTheMonitorLogsItOnce()
    {
        manual_seed(30);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 24, batchSize: 16);
        var options = SessionFixtures.EveryN(4);
        // A Gram limit below the batch's error count: Auto must take Lanczos and say why.
        options.Probe = new SpectralProbeOptions { SketchVectors = 0, LanczosSteps = 4, GramMaxBatchSize = 4 };
        var logger = new Logging.CapturingLogger<TrainingMonitor>();
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, logger: logger);
        for (var step = 1; step <= 12; step++)
        {
            monitor.OnStep(step, learningRate: 0.05, loss: 0.25);
        }

        await monitor.FlushAsync();

        Assert.Equal(3, monitor.History.Count);
        Assert.All(monitor.History, s =>
        {
            Assert.Equal(ProbeMethod.Auto, s.ProbeMethodRequested);
            Assert.Equal([ProbeMethod.Lanczos, ProbeMethod.Lanczos], s.ProbeMethods);
            Assert.Contains("limit of 4", s.ProbeFallbackReason);
        });
        var fellBack = Assert.Single(logger.Events, e => e.EventId.Id == 9);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, fellBack.Level);
        Assert.Equal(4L, fellBack["Step"]);
        Assert.Equal("auto", fellBack["ProbeMethodRequested"]);
        Assert.Contains("fell back to Lanczos at step 4 for 2 of 2 batches: ", fellBack.Message);
        Assert.All(logger.Events.Where(e => e.EventId.Id == 1), e => Assert.Contains("limit of 4", (string)e["ProbeFallbackReason"]!));
    }

    [Fact]
    public async Task HistoryKeepsTheLatestSnapshotsUpToItsLimitWhileSinksGetEveryOne()
    {
        manual_seed(31);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe(count: 16, batchSize: 16);
        var sink = new RecordingSink();
        var options = SessionFixtures.EveryN(1);
        options.HistoryLimit = 3;
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, [sink]);
        for (var step = 1; step <= 5; step++)
        {
            monitor.OnStep(step);
        }

        await monitor.FlushAsync();
        Assert.Equal([3L, 4L, 5L], monitor.History.Select(s => s.ProbeIndex));
        Assert.Equal(5, monitor.Status.ProbesTotal);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], sink.Of<ProbeCompleted>().Select(e => e.Snapshot.ProbeIndex));
    }

    [Fact]
    public void AHistoryLimitBelowOneIsRefusedNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MonitorOptions { HistoryLimit = 0 }.Validate());
        Assert.Equal(nameof(MonitorOptions.HistoryLimit), ex.ParamName);
    }

    [Fact]
    public async Task StopWithACancelledTokenCancelsTheRunningProbeInsteadOfWaitingForIt()
    {
        manual_seed(37);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        // A long probe: finite-difference products run two forward passes each, and every forward sleeps 50 ms, so the
        // probe (2 batches × (32 Lanczos + 2 sketch) products) would take ≥ 2 × 34 × 2 × 50 ms = 6.8 s.
        var slow = SessionFixtures.SlowSquaredError(sleepMilliseconds: 50);
        var sink = new RecordingSink();
        var options = SessionFixtures.EveryN(1, ExecutionMode.Background);
        options.Probe.JvpMethod = JvpMethod.FiniteDifference;
        options.Probe.Method = ProbeMethod.Lanczos;
        options.Probe.LanczosSteps = 32;
        var monitor = TrainingMonitor.Attach(model, probe, slow, options, [sink], modelFactory: SessionFixtures.Model);
        monitor.OnStep(1);
        Thread.Sleep(200); // the probe is now inside its products

        var stop = Stopwatch.StartNew();
        await monitor.StopAsync(new CancellationToken(canceled: true));
        stop.Stop();
        await monitor.DisposeAsync();

        // It stops at the next product: one product (2 × 50 ms) and a forward later, far below the 6.6 s left.
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(1), $"StopAsync waited {stop.Elapsed}");
        var status = monitor.Status;
        Assert.Equal((0L, 0L), (status.ProbesTotal, status.ProbeFailuresTotal));
        Assert.Empty(sink.Of<ProbeCompleted>());
        Assert.Empty(sink.Of<ProbeFailed>());
        Assert.Equal(0, monitor.ProbeThreadLiveTensorDelta);
    }

    [Fact]
    public async Task StopWithoutCancellationWaitsForTheRunningProbeAndDeliversIt()
    {
        manual_seed(41);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var slow = SessionFixtures.SlowSquaredError(sleepMilliseconds: 100);
        var sink = new RecordingSink();
        var monitor = TrainingMonitor.Attach(model, probe, slow, SessionFixtures.EveryN(1, ExecutionMode.Background), [sink],
            modelFactory: SessionFixtures.Model);
        monitor.OnStep(1);

        await monitor.StopAsync(CancellationToken.None);
        await monitor.DisposeAsync();

        Assert.Equal(1, monitor.Status.ProbesTotal);
        Assert.Single(sink.Of<ProbeCompleted>());
    }
}
