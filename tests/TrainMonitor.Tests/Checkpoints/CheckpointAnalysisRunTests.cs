using TorchSharp;
using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Frontier;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;
using TrainMonitor.Tests.JsonLines;
using TrainMonitor.Tests.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The analysis' bookkeeping on a small float64 MLP: progress, the runs a JSON-lines file receives, a checkpoint that cannot
/// be loaded, one whose probe fails, one whose weights diverged, and the options it refuses.
/// </summary>
public sealed class CheckpointAnalysisRunTests : IDisposable
{
    private static readonly long[] Steps = [10, 20, 40];

    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Checkpoint[] Series(params long[] steps) => steps.Select(t => new Checkpoint(t, $"/runs/mlp/step-{t:D6}.pt")).ToArray();

    private static nn.Module<Tensor, Tensor> Load(Checkpoint checkpoint) => CheckpointFixtures.Mlp(CheckpointFixtures.RandomWeights((ulong)checkpoint.Step));

    private static CheckpointAnalysisOptions Lanczos(string run, params int[] depths) =>
        new() { RunName = run, LanczosSteps = depths, Probe = { Method = ProbeMethod.Lanczos, SketchVectors = 2 } };

    [Fact]
    public async Task ProgressIsReportedAtEachProbesStartAfterEachBatchAndAtItsEndUpToTheTotal()
    {
        using var probe = CheckpointFixtures.Probe(count: 40, batchSize: 16); // batches of 16, 16 and 8
        var reports = new List<CheckpointAnalysisProgress>();

        var result = await CheckpointAnalysis.RunAsync(Series(Steps), Load, probe, ErrorFunctions.SquaredError, Lanczos("progress", 6, 4), [],
            new SynchronousProgress<CheckpointAnalysisProgress>(reports.Add));

        Assert.Equal(0, result.Failures);
        Assert.Equal([4, 6], result.Depths);
        const int batches = 3;
        // Per probe: one report at its start (0 batches), one after each batch, one at its end.
        Assert.Equal(2 * Steps.Length * (batches + 2), reports.Count);
        Assert.All(reports, r => Assert.Equal(2L * Steps.Length * batches, r.Total));
        Assert.Equal(0, reports[0].Completed);
        Assert.Equal(reports[^1].Total, reports[^1].Completed);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Completed >= reports[i - 1].Completed, $"report {i}: {reports[i - 1].Completed} then {reports[i].Completed}");
        }

        var probeReports = reports.Chunk(batches + 2).ToArray();
        for (var p = 0; p < probeReports.Length; p++)
        {
            var chunk = probeReports[p];
            Assert.Equal([0, 1, 2, 3, 3], chunk.Select(r => r.BatchesMeasured));
            Assert.All(chunk, r => Assert.Equal(p / Steps.Length, r.DepthIndex));
            Assert.All(chunk, r => Assert.Equal(Steps[p % Steps.Length], r.Checkpoint.Step));
            Assert.All(chunk, r => Assert.Equal(result.Depths[p / Steps.Length], r.LanczosSteps));
        }

        // Two depths: a sensitivity per checkpoint, a displacement series per depth.
        Assert.Equal(Steps.Length, result.DepthSensitivity.Count);
        Assert.Equal([4, 6], result.Displacements.Select(d => d.LanczosSteps));
    }

    [Fact]
    public async Task AJsonLinesFileHoldsOneContiguousRunPerDepthNamedByItsDepth()
    {
        using var probe = CheckpointFixtures.Probe();
        var path = _dir.File("checkpoints.jsonl");
        await using (var sink = new JsonLinesSink(path))
        {
            var result = await CheckpointAnalysis.RunAsync(Series(Steps), Load, probe, ErrorFunctions.SquaredError, Lanczos("pythia", 8, 4), [sink]);
            Assert.Equal(["pythia-m4", "pythia-m8"], result.RunNames);
        }

        var read = await JsonLinesReader.ReadFileAsync(path);

        Assert.Empty(read.SkippedLines);
        var snapshots = read.Snapshots;
        Assert.Equal(Enumerable.Repeat("pythia-m4", 3).Concat(Enumerable.Repeat("pythia-m8", 3)), snapshots.Select(s => s.Run));
        Assert.Equal([4, 4, 4, 8, 8, 8], snapshots.Select(s => s.LanczosSteps));
        Assert.Equal(Steps.Concat(Steps), snapshots.Select(s => s.Step));
        Assert.Equal([1L, 2, 3, 1, 2, 3], snapshots.Select(s => s.ProbeIndex));
        var runIds = snapshots.Select(s => s.RunId).ToArray();
        Assert.All(runIds, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Single(runIds.Take(3).Distinct());
        Assert.Single(runIds.Skip(3).Distinct());
        Assert.NotEqual(runIds[0], runIds[3]);
    }

    [Fact]
    public async Task OneDepthKeepsTheRunNameAsGiven()
    {
        using var probe = CheckpointFixtures.Probe();
        var sink = new RecordingSink();

        var result = await CheckpointAnalysis.RunAsync(Series(Steps), Load, probe, ErrorFunctions.SquaredError, Lanczos("single", 5), [sink]);

        Assert.Equal(["single"], result.RunNames);
        Assert.All(sink.Of<ProbeCompleted>(), e => Assert.Equal("single", e.Run));
        Assert.Empty(result.DepthSensitivity);
    }

    [Fact]
    public async Task ALoaderThatThrowsAtTheThirdCheckpointNamesItsPathAndTheEarlierProbesReachTheSinks()
    {
        using var probe = CheckpointFixtures.Probe();
        var sink = new RecordingSink();
        var series = Series(10, 20, 40, 80);
        var loads = 0;

        var error = await Assert.ThrowsAsync<CheckpointLoadException>(() => CheckpointAnalysis.RunAsync(series, c =>
            ++loads == 3 ? throw new IOException("unexpected end of file") : Load(c), probe, ErrorFunctions.SquaredError, Lanczos("broken", 4), [sink]));

        Assert.Same(series[2], error.Checkpoint);
        Assert.Contains(series[2].Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected end of file", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal([10L, 20L], sink.Of<ProbeCompleted>().Select(e => e.Step));
        Assert.True(sink.Flushes >= 1, "the sinks must be flushed before the exception propagates");
    }

    [Fact]
    public async Task AModelThatFailsInTheProbeIsOneFailedProbeAndTheOthersSucceed()
    {
        using var probe = CheckpointFixtures.Probe();
        var sink = new RecordingSink();
        var loads = 0;

        // Depth 4 loads steps 10, 20, 40, then depth 6 the same: only the second load (step 20 at m = 4) fails.
        var result = await CheckpointAnalysis.RunAsync(Series(Steps), c => ++loads == 2 ? new ThrowingModel() : Load(c), probe,
            ErrorFunctions.SquaredError, Lanczos("failing", 4, 6), [sink]);

        Assert.Equal(1, result.Failures);
        var failed = result.Probes.Single(p => !p.Succeeded);
        Assert.Equal((20L, 4), (failed.Checkpoint.Step, failed.LanczosSteps));
        Assert.StartsWith("InvalidOperationException: ", failed.Failure, StringComparison.Ordinal);
        Assert.Contains("op 'mystery' is not supported", failed.Failure, StringComparison.Ordinal);
        Assert.Null(failed.Snapshot);
        Assert.Null(failed.Unimodality);
        Assert.Empty(failed.BatchSpread);
        Assert.Equal(5, result.Probes.Count(p => p.Succeeded));
        var reported = Assert.Single(sink.Of<ProbeFailed>());
        Assert.Equal((20L, "failing-m4"), (reported.Step, reported.Run));
        Assert.Equal([10L, 40L, 10L, 20L, 40L], sink.Of<ProbeCompleted>().Select(e => e.Step));

        // m = 4 skips the failed checkpoint: one interval, 10 → 40; m = 6 has both. The depth sweep needs both depths.
        var interval = Assert.Single(result.Displacements[0].Intervals);
        Assert.Equal((10L, 40L), (interval.FromStep, interval.ToStep));
        Assert.Equal(2, result.Displacements[1].Intervals.Count);
        Assert.Equal([10L, 40L], result.DepthSensitivity.Select(s => s.Checkpoint.Step));
    }

    [Fact]
    public async Task TwoCheckpointsWithOneStepOrANullSinkAreRefused()
    {
        using var probe = CheckpointFixtures.Probe();

        var twice = await Assert.ThrowsAsync<ArgumentException>(() => CheckpointAnalysis.RunAsync([new Checkpoint(10, "a.pt"), new Checkpoint(10, "b.pt")],
            Load, probe, ErrorFunctions.SquaredError));
        var nullSink = await Assert.ThrowsAsync<ArgumentException>(() => CheckpointAnalysis.RunAsync(Series(10), Load, probe, ErrorFunctions.SquaredError,
            sinks: [null!]));

        Assert.Contains("a.pt", twice.Message, StringComparison.Ordinal);
        Assert.Contains("b.pt", twice.Message, StringComparison.Ordinal);
        Assert.Equal("sinks", nullSink.ParamName);
    }

    [Fact]
    public async Task ADivergedCheckpointIsReportedNotFailedAndItsProfileIsUndecided()
    {
        using var probe = CheckpointFixtures.Probe();
        var nan = CheckpointFixtures.RandomWeights(3).Select(w => w.Select(_ => double.NaN).ToArray()).ToArray();

        var result = await CheckpointAnalysis.RunAsync(Series(Steps), c => c.Step == 40 ? CheckpointFixtures.Mlp(nan) : Load(c), probe,
            ErrorFunctions.SquaredError, Lanczos("diverged", 4), []);

        Assert.Equal(0, result.Failures);
        var diverged = result.Probes.Single(p => p.Checkpoint.Step == 40);
        Assert.False(double.IsFinite(diverged.Snapshot!.ErrorEnergy));
        Assert.Empty(diverged.BatchSpread);
        Assert.Empty(diverged.BatchUnimodality);
        var verdict = Assert.IsType<UnimodalityVerdict>(diverged.Unimodality);
        Assert.Equal(UnimodalityOutcome.Undecided, verdict.Outcome);
        Assert.Contains("not finite", verdict.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<CheckpointAnalysisOptions>, string> InvalidOptions => new()
    {
        { "RunName", o => o.RunName = " ", "RunName" },
        { "LanczosSteps", o => o.LanczosSteps = [8, 1], "every depth must be at least 2" },
        { "LanczosSteps", o => o.LanczosSteps = [8, 16, 8], "names a depth twice" },
        { "LanczosSteps", o => { o.LanczosSteps = [8, 16]; o.Probe.Method = ProbeMethod.Exact; } , "Probe.Method is Exact" },
        { "LanczosSteps", o => { o.LanczosSteps = [8, 16]; o.Probe.Method = ProbeMethod.Gram; } , "Probe.Method is Gram" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task AnInvalidSettingIsRejectedNamingItBeforeAnyCheckpointIsLoaded(string setting, Action<CheckpointAnalysisOptions> spoil, string message)
    {
        using var probe = CheckpointFixtures.Probe();
        var options = new CheckpointAnalysisOptions();
        spoil(options);
        var sink = new RecordingSink();
        var loads = 0;

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => CheckpointAnalysis.RunAsync(Series(Steps), c =>
        {
            loads++;
            return Load(c);
        }, probe, ErrorFunctions.SquaredError, options, [sink]));

        Assert.Equal(setting, error.ParamName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, loads);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public async Task OneDepthWithAnExactMethodIsAccepted()
    {
        using var probe = CheckpointFixtures.Probe();

        var result = await CheckpointAnalysis.RunAsync(Series(10), Load, probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { LanczosSteps = [8], Probe = { Method = ProbeMethod.Exact, SketchVectors = 0 } });

        Assert.True(Assert.Single(result.Probes).IsExact);
    }

    /// <summary>A model whose forward pass throws (an unsupported op, a corrupt layer): before any autograd call, so the probe catches it.</summary>
    private sealed class ThrowingModel : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _layer = nn.Linear(CheckpointFixtures.Inputs, CheckpointFixtures.Outputs, dtype: ScalarType.Float64);

        public ThrowingModel()
            : base(nameof(ThrowingModel))
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => throw new InvalidOperationException("op 'mystery' is not supported");
    }
}
