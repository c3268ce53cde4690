using TrainMonitor.Outputs;
using TrainMonitor.Telemetry;

namespace TrainMonitor.Hosting;

/// <summary>Gives every attached monitor a view of the host's one <see cref="TrainMonitorMeter"/> that also tracks its live status.</summary>
internal sealed class MeterSinkProvider(TrainMonitorMeter meter) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new TrackedRunSink(meter, meter.Track(context.Status));
}
