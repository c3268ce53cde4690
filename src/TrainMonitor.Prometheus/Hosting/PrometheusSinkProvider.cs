using TrainMonitor.Hosting;
using TrainMonitor.Outputs;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>Gives every attached monitor a view of the one shared <see cref="PrometheusSink"/> that also tracks its live status.</summary>
internal sealed class PrometheusSinkProvider(PrometheusSink sink) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new TrackedRunSink(sink, sink.Track(context.Status));
}
