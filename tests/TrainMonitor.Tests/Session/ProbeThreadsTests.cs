using System.Collections.Concurrent;
using TrainMonitor.Errors;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>
/// The background probe's worker takes <see cref="MonitorOptions.BackgroundProbeThreads"/>, and no other thread's count moves:
/// neither the training thread's nor the count a thread first using torch afterwards starts with (a thread-pool thread of
/// an async training loop), which <c>set_num_threads</c> on a worker alone would change.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProbeThreadsTests
{
    [Fact]
    public void TheBackgroundWorkerRunsWithItsOwnThreadCountAndNoOtherThreadsCountMoves()
    {
        var training = Environment.CurrentManagedThreadId;
        var before = get_num_threads();
        var startingBefore = OnAFreshThread(get_num_threads);
        Assert.True(startingBefore > 1, "the test needs a process default above one thread to tell the worker's count from it");
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
        options.Schedule.FinalProbe = false;
        var monitor = TrainingMonitor.Attach(model, probe, recording, options, modelFactory: () => SessionFixtures.Model());
        monitor.OnStep(1);
        monitor.Dispose(); // waits for the background probe, on this thread
        Assert.Equal(1, monitor.Status.ProbesTotal);
        Assert.Equal(startingBefore, OnAFreshThread(get_num_threads));

        var onWorker = seen.Where(s => s.Thread != training).ToArray();
        Assert.NotEmpty(onWorker);
        Assert.True(onWorker.All(s => s.Threads == 1), string.Join(", ", seen.Select(s => $"thread {s.Thread} with {s.Threads}")));
        Assert.Equal(training, Environment.CurrentManagedThreadId);
        Assert.Equal(before, get_num_threads());
    }

    private static int OnAFreshThread(Func<int> read)
    {
        var value = 0;
        var thread = new Thread(() => value = read());
        thread.Start();
        thread.Join();
        return value;
    }
}
