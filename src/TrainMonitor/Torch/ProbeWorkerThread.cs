using System.Collections.Concurrent;

namespace TrainMonitor.Torch;

/// <summary>
/// One long-lived thread that runs a monitor's background probes in turn. A thread per probe made every probe pay
/// for a fresh native thread (its allocator arena, OpenMP team and libtorch thread-local state), which showed up as
/// working-set growth over long runs; one thread keeps that cost fixed.
/// </summary>
internal sealed class ProbeWorkerThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _work = new();
    private readonly Thread _thread;

    public ProbeWorkerThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="work"/>; the task completes when it has run (its exceptions end up in the task).</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add((work, done));
        return done.Task;
    }

    /// <summary>Lets queued work finish, then ends the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void Loop()
    {
        foreach (var (work, done) in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }
}
