using TrainMonitor.Defaults;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>The hosted metrics endpoint. Configuration keys under <c>TrainMonitor:Prometheus</c>.</summary>
public sealed class PrometheusExporterOptions
{
    /// <summary>
    /// Port of the standalone <c>/metrics</c> endpoint (default 9464, or the project's MSBuild property
    /// <c>TrainMonitorMetricsPort</c>; 0 turns the endpoint off and only registers the metrics).
    /// </summary>
    public int Port { get; set; } = MonitorDefaults.MetricsPort(MSBuildDefaultsReader.FromAppContext) ?? TrainMonitorMetricServer.DefaultPort;

    /// <summary>
    /// Address to listen on (default loopback <c>127.0.0.1</c>; <c>+</c> listens on every interface): an IPv4 address or a
    /// host name of this machine. Checked at start; the listener takes neither <c>0.0.0.0</c> (use <c>+</c>) nor an IPv6
    /// literal such as <c>::1</c> (use a name that resolves to it).
    /// </summary>
    public string Host { get; set; } = TrainMonitorMetricServer.DefaultHostname;
}
