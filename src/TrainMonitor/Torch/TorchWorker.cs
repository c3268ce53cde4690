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
/// and libtorch thread-local state, which grows the working set over a long run. The intra-op limit is per thread
/// (OpenMP's nthreads ICV and MKL's local thread count, which <c>torch.set_num_threads</c> sets), so the callers'
/// threads, a training loop's included, keep theirs. Why <c>eigh</c> gets one thread, with the measurements, is in
/// docs/benchmarks.md (section "operator", the <c>--threads</c> comparison).
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
            set_num_threads(threads);
        }

        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
