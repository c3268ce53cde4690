using TrainMonitor.Outputs;

namespace TrainMonitor.Hosting;

/// <summary>
/// Creates the sink of one integration for each monitor the host attaches. Registered in DI by the builder
/// extensions (<c>AddJsonLines</c>, <c>AddPrometheusExporter</c>); the host disposes what it creates when it stops.
/// </summary>
public interface IMonitorSinkProvider
{
    /// <summary>The sink for the monitor described by <paramref name="context"/>.</summary>
    IMonitorSink Create(MonitorSinkContext context);
}
