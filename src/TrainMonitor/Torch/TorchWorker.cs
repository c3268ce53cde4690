using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace TrainMonitor.Torch;

/// <summary>
/// One long-lived thread that runs torch work in turn. It serves two callers: a monitor's background probes (one
/// worker per monitor) and LAPACK's <c>eigh</c> in the exact measure (<see cref="SingleThreaded"/>, shared by the
/// process and limited to one intra-op thread).
/// </summary>
/// <remarks>
/// The thread lives as long as the worker: a fresh native thread per call pays for its allocator arena, OpenMP team
/// and libtorch thread-local state, which grows the working set over a long run. A thread's intra-op limit is its own once
/// it has used torch, but <c>torch.set_num_threads</c> also moves the count new threads start with; <see cref="LimitThisThread"/>
/// puts that back, so the callers' threads, a training loop's included (on thread-pool threads too), keep theirs. Why
/// <c>eigh</c> gets one thread, with the measurements, is in docs/benchmarks.md (section "operator", the <c>--threads</c> comparison).
/// </remarks>
internal sealed class TorchWorker : IDisposable
{
    private static readonly Lazy<TorchWorker> SingleThreadedWorker =
        new(() => new TorchWorker("TrainMonitor single-threaded torch", intraOpThreads: 1), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    /// <param name="name">The thread's name, as debuggers and dumps show it.</param>
    /// <param name="intraOpThreads">The worker thread's torch intra-op thread count; null keeps the process default.</param>
    public TorchWorker(string name, int? intraOpThreads = null)
    {
        _thread = new Thread(() => Loop(intraOpThreads)) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The process's one-intra-op-thread worker, started on first use and kept for the process.</summary>
    public static TorchWorker SingleThreaded => SingleThreadedWorker.Value;

    /// <summary>Queues <paramref name="work"/>; the task completes when it has run (its exceptions end up in the task).</summary>
    public Task Run(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
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
        });
        return done.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> without autograd on the worker and waits for it. Argument, state and not-supported
    /// errors pass through; any other failure is wrapped in an <see cref="InvalidOperationException"/> naming
    /// <paramref name="what"/>.
    /// </summary>
    public T Invoke<T>(Func<T> work, string what)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Thread.CurrentThread == _thread)
        {
            // Nested call from work already on this worker: queueing would wait on itself.
            using (no_grad())
            {
                return work();
            }
        }

        T? result = default;
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try
            {
                using (no_grad())
                {
                    result = work();
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (failure is not null)
        {
            throw failure is NotSupportedException or InvalidOperationException or ArgumentException
                ? failure
                : new InvalidOperationException($"{what} failed: {failure.Message}", failure);
        }

        return result!;
    }

    /// <summary>
    /// Gives the calling thread <paramref name="threads"/> intra-op threads and leaves every other thread's count as it was.
    /// </summary>
    /// <remarks>
    /// <c>set_num_threads</c> sets the calling thread's count and also the count that every thread first using torch
    /// afterwards starts with; threads that already used it keep theirs (measured: after a worker set 1, the main thread
    /// still read 2 and a new thread read 1). Left so, one probe worker would change a training loop whose steps run on
    /// thread-pool threads (async code) to one thread. So the calling thread takes its count at once (its first
    /// <c>get_num_threads</c> fixes it), and a short-lived thread sets the starting count back.
    /// </remarks>
    internal static void LimitThisThread(int threads)
    {
        var processDefault = get_num_threads(); // also fixes this thread's count at the default before it changes
        if (processDefault == threads)
        {
            return;
        }

        set_num_threads(threads);
        _ = get_num_threads();
        var restore = new Thread(() => set_num_threads(processDefault)) { IsBackground = true, Name = "TrainMonitor thread-count restore" };
        restore.Start();
        restore.Join();
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

    private void Loop(int? intraOpThreads)
    {
        if (intraOpThreads is { } threads)
        {
            LimitThisThread(threads);
        }

        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
