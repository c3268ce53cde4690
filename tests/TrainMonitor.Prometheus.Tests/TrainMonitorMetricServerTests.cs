using System.Net;
using System.Net.Sockets;
using Prometheus;

namespace TrainMonitor.Prometheus.Tests;

public sealed class TrainMonitorMetricServerTests
{
    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public async Task ServesTheRegistry_OverHttp_OnLoopback()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new TrainMonitor.Outputs.ProbeCompleted(Snapshots.Probe(run: "http-run")), CancellationToken.None);
        var port = FreeLoopbackPort();

        await using var server = TrainMonitorMetricServer.Start(registry, port);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("trainmonitor_error_energy{run=\"http-run\",run_id=\"\"} 0.4375", body, StringComparison.Ordinal);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/metrics"), server.Url);
        Assert.Equal(0.4375, ExpositionText.Parse(body).Value("trainmonitor_error_energy", ("run", "http-run")));
    }

    [Fact]
    public async Task SecondServer_OnTheSamePort_FailsWithAMessageNamingThePort()
    {
        var registry = Metrics.NewCustomRegistry();
        var port = FreeLoopbackPort();
        await using var first = TrainMonitorMetricServer.Start(registry, port);

        var ex = Assert.Throws<InvalidOperationException>(() => TrainMonitorMetricServer.Start(registry, port));
        Assert.Contains($"port {port}", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);

        // The first server is unharmed.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void PortHeldByAnotherSocket_FailsWithAMessageNamingThePort()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            var port = ((IPEndPoint)holder.LocalEndpoint).Port;
            var ex = Assert.Throws<InvalidOperationException>(() => TrainMonitorMetricServer.Start(Metrics.NewCustomRegistry(), port));
            Assert.Contains($"port {port}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Stop();
        }
    }

    [Fact]
    public async Task Disposing_FreesThePort()
    {
        var registry = Metrics.NewCustomRegistry();
        var port = FreeLoopbackPort();
        var first = TrainMonitorMetricServer.Start(registry, port);
        await first.DisposeAsync();
        first.Dispose();

        using var second = TrainMonitorMetricServer.Start(registry, port);
        Assert.Equal(port, second.Port);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void PortOutOfRange_IsRefused(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainMonitorMetricServer.Start(Metrics.NewCustomRegistry(), port));
}
