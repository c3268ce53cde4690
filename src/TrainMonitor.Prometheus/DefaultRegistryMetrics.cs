using Prometheus;
using TrainMonitor.Telemetry;

namespace TrainMonitor.Prometheus;

/// <summary>
/// Chooses which of prometheus-net's default collectors appear on a page that serves <see cref="Metrics.DefaultRegistry"/>,
/// so that the page as served passes <c>promtool check metrics</c>.
/// </summary>
/// <remarks>
/// <para>
/// Kept: the process collector (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>,
/// <c>process_private_memory_bytes</c>, <c>process_virtual_memory_bytes</c>, <c>process_open_handles</c>,
/// <c>process_num_threads</c>, <c>process_start_time_seconds</c>, <c>dotnet_collection_count_total</c>,
/// <c>dotnet_total_memory_bytes</c>): conventional names with units, the right types, and enough to see a training
/// process's CPU, memory and GC. Kept: the Meter adapter for every meter except <c>System.Runtime</c> and TrainMonitor's own
/// (<see cref="TrainMonitorMeter"/>, whose rows this page already serves under their own names; through the adapter they
/// came twice, as <c>trainmonitor_trainmonitor_*</c>), so an application's own <c>System.Diagnostics.Metrics</c>
/// instruments are still exported.
/// </para>
/// <para>
/// Dropped, because promtool rejects them and what they measure is already in the process collector: the event-counter
/// adapter (its own gauge is named <c>prometheus_net_eventcounteradapter_sources_connected_total</c>, and it publishes
/// the runtime's counters as gauges named <c>*_count</c>); the runtime's <c>System.Runtime</c> meter (published as
/// gauges such as <c>system_runtime_dotnet_timer_count</c>, monotonic counters among them, without units); and
/// prometheus-net's debug metrics about itself.
/// </para>
/// <para>
/// prometheus-net applies this when the registry is first collected; until then the last call wins, so an application
/// that wants other defaults calls <see cref="Metrics.SuppressDefaultMetrics(SuppressDefaultMetricOptions)"/> after
/// TrainMonitor's exporter is set up and before the first scrape.
/// </para>
/// </remarks>
internal static class DefaultRegistryMetrics
{
    /// <summary>The meter the .NET runtime publishes its own instruments under (since .NET 9).</summary>
    internal const string RuntimeMeterName = "System.Runtime";

    private static int _applied;

    /// <summary>Configures the default registry's collectors once, when <paramref name="registry"/> is that registry.</summary>
    public static void ApplyIfDefault(CollectorRegistry registry)
    {
        if (!ReferenceEquals(registry, Metrics.DefaultRegistry) || Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return;
        }

        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate =
            instrument => instrument.Meter.Name is not (RuntimeMeterName or TrainMonitorMeter.MeterName));
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressMeters = false,
            SuppressEventCounters = true,
            SuppressDebugMetrics = true,
        });
    }
}
