using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace TrainMonitor.Torch;

/// <summary>
/// Runs torch work on one long-lived thread limited to one intra-op thread: for LAPACK's <c>eigh</c> in the exact
/// measure, whose many small parallel regions (BLAS-2 steps of the tridiagonalisation) stall on busy cores.
/// </summary>
/// <remarks>
/// On a machine whose cores are busy, every OpenMP parallel region ends in a barrier that waits for a descheduled
/// thread. Measured on the project's shared 2-core machines: <c>eigh</c> of a 512×512 float64 matrix took 2.7–14 s
/// with two threads and 0.13 s with one, a far larger slowdown than the training step's on the same machine; on a quiet
/// machine two threads are 1.7× faster (16.6 against 28.2 ms, <c>operator --threads</c> benchmark): one thread bounds
/// the worst case at that price. The thread limit is a per-thread setting (OpenMP's
/// nthreads ICV and MKL's local thread count, which is what <c>torch.set_num_threads</c> sets), so the caller's
/// threads, including a training loop, keep theirs. The Gram products themselves run on the caller's threads (see
/// the Gram operator): they are matrix products shaped like a training step's and slow down with it.
/// The thread lives for the process: a fresh native thread per call (allocator arena, OpenMP team, libtorch
/// thread-local state) grew the working set by 18–23 MB over 50 background probes.
/// </remarks>
internal static class SingleThreadedTorch
{
    private static readonly BlockingCollection<Action> Queue = new();
    private static readonly Lazy<Thread> Worker = new(StartWorker, LazyThreadSafetyMode.ExecutionAndPublication);

    public static T Run<T>(Func<T> work, string what)
    {
        if (Thread.CurrentThread == (Worker.IsValueCreated ? Worker.Value : null))
        {
            // Nested call from work already on the worker: queueing would wait on itself.
            using (no_grad())
            {
                return work();
            }
        }

        _ = Worker.Value;
        T? result = default;
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        Queue.Add(() =>
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

    private static Thread StartWorker()
    {
        var thread = new Thread(() =>
        {
            set_num_threads(1);
            foreach (var work in Queue.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "TrainMonitor single-threaded torch",
        };
        thread.Start();
        return thread;
    }
}
