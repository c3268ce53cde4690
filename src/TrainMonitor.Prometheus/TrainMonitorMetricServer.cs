using System.Net;
using System.Net.Sockets;
using Prometheus;

namespace TrainMonitor.Prometheus;

/// <summary>
/// A standalone HTTP endpoint serving a registry in the Prometheus text format at
/// <c>http://{hostname}:{port}/metrics</c>, for training scripts that have no web host. Bound to loopback
/// (<c>127.0.0.1</c>) by default; pass <c>"+"</c> (all interfaces) or a host name to expose it further. Applications
/// that already run ASP.NET Core should map the endpoint in their pipeline instead
/// (<c>app.MapMetrics()</c> from prometheus-net.AspNetCore).
/// </summary>
public sealed class TrainMonitorMetricServer : IDisposable, IAsyncDisposable
{
    /// <summary>Default port: 9464, the port conventionally used by Prometheus exporters embedded in applications.</summary>
    public const int DefaultPort = 9464;

    /// <summary>Default host: loopback only, so nothing is exposed to the network unless asked for.</summary>
    public const string DefaultHostname = "127.0.0.1";

    private readonly MetricServer _server;
    private int _disposed;

    private TrainMonitorMetricServer(MetricServer server, string hostname, int port)
    {
        _server = server;
        Hostname = hostname;
        Port = port;
        var displayHost = hostname is "+" or "*" ? "localhost" : hostname;
        Url = new Uri($"http://{displayHost}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/metrics");
    }

    /// <summary>The host the listener is bound to.</summary>
    public string Hostname { get; }

    /// <summary>The TCP port the listener is bound to.</summary>
    public int Port { get; }

    /// <summary>Where the metrics are served (for "+"/"*" hosts, the loopback address of it).</summary>
    public Uri Url { get; }

    /// <summary>Starts serving <paramref name="registry"/> at <c>http://{hostname}:{port}/metrics</c>.</summary>
    /// <param name="registry">
    /// The registry to serve; <see cref="Metrics.DefaultRegistry"/> when null, whose default collectors are then limited to
    /// those that pass <c>promtool check metrics</c> (process metrics and the application's own meters; docs/observability.md).
    /// </param>
    /// <param name="port">TCP port, 1–65535 (the HTTP listener cannot pick a free port by itself, so 0 is refused).</param>
    /// <param name="hostname">Host to bind: <c>127.0.0.1</c> by default, <c>+</c> for all interfaces.</param>
    /// <returns>The running server; dispose it to stop serving and free the port.</returns>
    /// <exception cref="InvalidOperationException">The port is already in use or may not be bound; the message names it.</exception>
    public static TrainMonitorMetricServer Start(CollectorRegistry? registry = null, int port = DefaultPort, string hostname = DefaultHostname)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostname);

        registry ??= Metrics.DefaultRegistry;
        DefaultRegistryMetrics.ApplyIfDefault(registry);
        var server = new MetricServer(hostname, port, url: "metrics/", registry: registry);
        try
        {
            server.Start();
        }
        catch (Exception ex) when (ex is HttpListenerException or SocketException or InvalidOperationException)
        {
            server.Dispose();
            throw new InvalidOperationException(
                $"TrainMonitor could not serve metrics on http://{hostname}:{port}/metrics: port {port} is already in use "
                + $"or may not be bound ({ex.Message}). Choose another port or stop the process that holds port {port}.",
                ex);
        }

        return new TrainMonitorMetricServer(server, hostname, port);
    }

    /// <summary>Stops serving and frees the port.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _server.Dispose();
        }
    }

    /// <summary>Stops serving, waiting for the listener to close, and frees the port.</summary>
    /// <returns>A task that completes when the listener is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _server.StopAsync().ConfigureAwait(false);
            _server.Dispose();
        }
    }
}
