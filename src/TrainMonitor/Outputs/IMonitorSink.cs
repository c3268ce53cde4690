namespace TrainMonitor.Outputs;

/// <summary>
/// Receives the monitor's events in order, on the monitor's dispatch task (never on the training thread).
/// A sink that throws is logged and counted; it does not stop the other sinks or the run.
/// </summary>
public interface IMonitorSink
{
    /// <summary>Handles one event. I/O should be asynchronous and honour <paramref name="ct"/>.</summary>
    ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct);

    /// <summary>Makes everything written so far durable (called when the monitor flushes or shuts down).</summary>
    ValueTask FlushAsync(CancellationToken ct);
}
