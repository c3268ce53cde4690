using TrainMonitor.Outputs;

namespace TrainMonitor.Hosting;

/// <summary>
/// One monitor's view of a sink that several monitors share (the Prometheus endpoint's, the meter's): it forwards the events,
/// and disposing it — which the hosted service does when the monitor's run ends — stops reading the run's live status.
/// </summary>
/// <param name="shared">The sink every monitor writes to.</param>
/// <param name="tracking">What reads this run's status; disposed with the view.</param>
public sealed class TrackedRunSink(IMonitorSink shared, IDisposable tracking) : IMonitorSink, IDisposable
{
    /// <inheritdoc />
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct) => shared.WriteAsync(monitorEvent, ct);

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken ct) => shared.FlushAsync(ct);

    /// <summary>Stops reading the run's status; the shared sink stays.</summary>
    public void Dispose() => tracking.Dispose();
}
