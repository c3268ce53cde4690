using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;

namespace TrainMonitor.Testing.Tests.Assertions;

/// <summary>A JSON-lines file that several runs appended to loads as its last run, not as one mixed run.</summary>
public sealed class LoadAsyncTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-load-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> FileWithAsync(params (string? RunId, long Step)[] probes)
    {
        var path = Path.Combine(_directory, "run.jsonl");
        await using var sink = new JsonLinesSink(path);
        foreach (var (runId, step) in probes)
        {
            await sink.WriteAsync(new ProbeCompleted(SyntheticSnapshots.Snapshot(step, energy: 1.0 / step) with { RunId = runId }), CancellationToken.None);
        }

        return path;
    }

    [Fact]
    public async Task TheLastRunIdIsTheRunLoaded()
    {
        var path = await FileWithAsync(("first", 1), ("first", 2), ("first", 4), ("second", 1), ("second", 2));

        var run = await MonitoredRun.LoadAsync(path);

        Assert.Equal([1L, 2], run.Snapshots.Select(s => s.Step));
        Assert.All(run.Snapshots, s => Assert.Equal("second", s.RunId));
    }

    [Fact]
    public async Task WithoutRunIdsTheLastRunStartsWhereTheStepRestarts()
    {
        var path = await FileWithAsync((null, 1), (null, 2), (null, 4), (null, 1), (null, 2), (null, 8));

        var run = await MonitoredRun.LoadAsync(path);

        Assert.Equal([1L, 2, 8], run.Snapshots.Select(s => s.Step));
    }
}
