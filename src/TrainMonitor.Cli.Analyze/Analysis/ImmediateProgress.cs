namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once on the reporting thread. <see cref="Progress{T}"/> would
/// post each report to the thread pool, so reports could arrive out of order and after the work they describe.
/// </summary>
internal sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
