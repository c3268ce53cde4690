using TrainMonitor.Hosting;
using TrainMonitor.Outputs;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>Gives every attached monitor a view of the one shared <see cref="PrometheusSink"/> that also tracks its live status.</summary>
internal sealed class PrometheusSinkProvider(PrometheusSink sink) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new TrackedRunSink(sink, sink.Track(context.Status));

    /// <summary>Forwards events to the shared sink; disposing it stops reading the run's status at scrapes.</summary>
    private sealed class TrackedRunSink(PrometheusSink sink, IDisposable tracking) : IMonitorSink, IDisposable
    {
        public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct) => sink.WriteAsync(monitorEvent, ct);

        public ValueTask FlushAsync(CancellationToken ct) => sink.FlushAsync(ct);

        public void Dispose() => tracking.Dispose();
    }
}
