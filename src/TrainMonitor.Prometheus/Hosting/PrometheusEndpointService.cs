using System.Globalization;
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

        try
        {
            _server = TrainMonitorMetricServer.Start(sink.Registry, settings.Port, settings.Host);
        }
        catch (InvalidOperationException ex)
        {
            // Validation bound the port a moment ago; another process took it since, or the listener refuses what a
            // socket accepts. Either way it is these two settings that must change, reported like any other bad setting.
            throw new OptionsValidationException(Options.DefaultName, typeof(PrometheusExporterOptions),
                [string.Create(CultureInfo.InvariantCulture, $"TrainMonitor:Prometheus:Port {settings.Port} on TrainMonitor:Prometheus:Host '{settings.Host}' cannot be served: {ex.Message}")]);
        }

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
