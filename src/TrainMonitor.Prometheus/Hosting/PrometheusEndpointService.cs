using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>Starts the standalone <c>/metrics</c> endpoint with the host and stops it with the host.</summary>
internal sealed class PrometheusEndpointService(PrometheusSink sink, IOptions<PrometheusExporterOptions> options, ILogger<PrometheusEndpointService> logger)
    : IHostedService
{
    private TrainMonitorMetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Port == 0)
        {
            logger.LogInformation("TrainMonitor metrics endpoint is off (TrainMonitor:Prometheus:Port = 0)");
            return Task.CompletedTask;
        }

        _server = TrainMonitorMetricServer.Start(sink.Registry, settings.Port, settings.Host);
        logger.LogInformation("TrainMonitor metrics at {MetricsUrl}", _server.Url);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }
    }
}
