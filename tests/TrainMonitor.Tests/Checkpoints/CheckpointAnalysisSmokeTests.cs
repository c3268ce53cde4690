using TorchSharp;
using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Tests.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

public sealed class CheckpointAnalysisSmokeTests
{
    [Fact]
    public async Task A_series_at_two_depths_gives_a_probe_per_checkpoint_and_depth()
    {
        using var probe = SessionFixtures.Probe(count: 32, batchSize: 16);
        var checkpoints = new[] { new Checkpoint(10, "a"), new Checkpoint(20, "b"), new Checkpoint(40, "c") };
        var sink = new RecordingSink();
        var reports = new List<CheckpointAnalysisProgress>();
        var result = await CheckpointAnalysis.RunAsync(checkpoints, c =>
            {
                manual_seed(c.Step);
                return SessionFixtures.Model();
            }, probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { LanczosSteps = [8, 4], Probe = { Method = ProbeMethod.Lanczos } }, [sink],
            new SynchronousProgress<CheckpointAnalysisProgress>(reports.Add));
        Assert.Equal(6, result.Probes.Count);
        Assert.All(result.Probes, p => Assert.True(p.Succeeded, p.Failure));
        Assert.Equal([4, 8], result.Depths);
        Assert.Equal(3, result.DepthSensitivity.Count);
        Assert.Equal(reports[^1].Total, reports[^1].Completed);
        Assert.Equal(6, sink.Of<TrainMonitor.Outputs.ProbeCompleted>().Count());
    }
}

internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
