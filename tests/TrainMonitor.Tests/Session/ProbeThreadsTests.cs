using System.Collections.Concurrent;
using TrainMonitor.Errors;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>The background probe's worker takes <see cref="MonitorOptions.BackgroundProbeThreads"/>; the training thread keeps its own count.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProbeThreadsTests
{
    [Fact]
    public async Task TheBackgroundWorkerRunsWithItsOwnThreadCountAndTheTrainingThreadKeepsItsOwn()
    {
        var training = Environment.CurrentManagedThreadId;
        var before = get_num_threads();
        var seen = new ConcurrentBag<(int Thread, int Threads)>();
        var recording = ErrorFunctions.Custom("recording", (output, target) =>
        {
            seen.Add((Environment.CurrentManagedThreadId, get_num_threads()));
            return (output - target).reshape(-1);
        });
        manual_seed(44);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var options = SessionFixtures.EveryN(1, ExecutionMode.Background);
        options.BackgroundProbeThreads = 1;
        await using (var monitor = TrainingMonitor.Attach(model, probe, recording, options, modelFactory: () => SessionFixtures.Model()))
        {
            monitor.OnStep(1);
            await monitor.FlushAsync();
            Assert.Equal(1, monitor.Status.ProbesTotal);
        }

        var onWorker = seen.Where(s => s.Thread != training).ToArray();
        Assert.NotEmpty(onWorker);
        Assert.All(onWorker, s => Assert.Equal(1, s.Threads));
        Assert.Equal(before, get_num_threads());
    }
}
