using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Tests.Golden;

namespace TrainMonitor.Prometheus.Tests;

/// <summary>
/// The whole exposition text a registry serves after a fixed sequence of probes, failures, skips, a tracked status and a
/// removed run, against the golden copy captured before the sink walked the metric table.
/// </summary>
public sealed class PrometheusSinkGoldenOutputTests
{
    [Fact]
    public async Task TheExpositionAfterAFixedSequenceMatchesTheGoldenCopy()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        // run-a carries a run id (as every monitor's snapshots and status do); run-b and run-c do not (an empty run_id).
        const string runId = "0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe() with { RunId = runId }), default);
        // The same run again with fewer shells (stale series go) and one without recorded occupancy.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 200, probeIndex: 2, regime: TrainingRegime.LazyProgressing,
            shells: [.. Snapshots.Shells(1, 2), .. Snapshots.Shells(3, 1, occupancy: false)], durationSeconds: 0.02) with { RunId = runId }), default);
        // An undetermined frontier and fit, with NaN history figures, no training loss and no held-out loss.
        var undetermined = Snapshots.Probe(run: "run-b", step: 50, regime: TrainingRegime.WarmingUp, stabilityMargin: double.NaN, durationSeconds: double.NaN);
        await sink.WriteAsync(new ProbeCompleted(undetermined with
        {
            TrainingLoss = null,
            ProbeLoss = double.NaN,
            Frontier = new FrontierSnapshot(0.5, 0.25, double.PositiveInfinity, 0.5, "all energy below the null floor", FrontierFitSnapshot.Missing("too few shells")),
            Assessment = undetermined.Assessment with { KernelDistance = double.NaN, OutputChange = double.NaN, FrontierVelocity = double.NaN },
            OverheadRatio = double.NaN,
        }), default);
        await sink.WriteAsync(new ProbeFailed("run-b", 60, DateTimeOffset.UnixEpoch, "OutOfMemoryException", "out of memory", 3), default);
        await sink.WriteAsync(new ProbeSkipped("run-b", 70, DateTimeOffset.UnixEpoch, "busy", 4), default);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-c")), default);
        sink.RemoveRun("run-c");
        using var tracking = sink.Track(() => new MonitorStatus
        {
            Run = "run-a",
            RunId = runId,
            TrainingStep = 250,
            ProbesTotal = 2,
            ProbeFailuresTotal = 1,
            ProbesSkippedTotal = 0,
            OperatorApplicationsTotal = 1_280,
            OverheadRatio = 0.0625,
        });

        var exposition = await ExpositionText.ScrapeAsync(registry);

        GoldenFile.AssertMatches("prometheus-exposition", exposition.Text);
    }
}
