using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>Fails start-up, naming the setting, for a port out of range or already taken.</summary>
internal sealed class PrometheusExporterOptionsValidation : IValidateOptions<PrometheusExporterOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusExporterOptions options)
    {
        if (options.Port is < 0 or > 65535)
        {
            return ValidateOptionsResult.Fail($"TrainMonitor:Prometheus:Port must lie in 0..65535 (0 turns the endpoint off); got {options.Port}.");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            return ValidateOptionsResult.Fail("TrainMonitor:Prometheus:Host must name an address, e.g. 127.0.0.1.");
        }

        if (options.Port == 0 || !IPAddress.TryParse(options.Host, out var address))
        {
            return ValidateOptionsResult.Success; // "+", "*" or a name: the listener reports a taken port when it starts.
        }

        try
        {
            using var listener = new TcpListener(address, options.Port);
            listener.Start();
            listener.Stop();
            return ValidateOptionsResult.Success;
        }
        catch (SocketException ex)
        {
            return ValidateOptionsResult.Fail(
                $"TrainMonitor:Prometheus:Port {options.Port} cannot be used on {options.Host}: {ex.Message}. Choose another port or 0 to turn the endpoint off.");
        }
    }
}
