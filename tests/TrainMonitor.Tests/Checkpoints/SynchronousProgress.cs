namespace TrainMonitor.Tests.Checkpoints;

/// <summary>Reports on the caller's thread, at once (<see cref="Progress{T}"/> posts to the thread pool and may reorder).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
