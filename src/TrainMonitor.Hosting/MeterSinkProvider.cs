using TrainMonitor.Outputs;
using TrainMonitor.Telemetry;

namespace TrainMonitor.Hosting;

/// <summary>Gives every attached monitor a view of the host's one <see cref="TrainMonitorMeter"/> that also tracks its live status.</summary>
internal sealed class MeterSinkProvider(TrainMonitorMeter meter) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new TrackedRunSink(meter, meter.Track(context.Status));

    /// <summary>Forwards events to the meter; disposing it stops reading the run's status at collections.</summary>
    private sealed class TrackedRunSink(TrainMonitorMeter meter, IDisposable tracking) : IMonitorSink, IDisposable
    {
        public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct) => meter.WriteAsync(monitorEvent, ct);

        public ValueTask FlushAsync(CancellationToken ct) => meter.FlushAsync(ct);

        public void Dispose() => tracking.Dispose();
    }
}
