using TrainMonitor.Outputs;

namespace TrainMonitor.Testing;

/// <summary>
/// A sink that keeps the probe failures of a run: the monitor's history holds only completed probes, and a health test
/// must be able to say that none failed.
/// </summary>
internal sealed class FailureRecorder : IMonitorSink
{
    private readonly Lock _gate = new();
    private readonly List<ProbeFailed> _failures = [];

    public IReadOnlyList<ProbeFailed> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        if (monitorEvent is ProbeFailed failed)
        {
            lock (_gate)
            {
                _failures.Add(failed);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
