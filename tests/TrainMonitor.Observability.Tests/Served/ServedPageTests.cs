using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Hosting;
using TrainMonitor.Observability.Tests.PrometheusServer;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using static TorchSharp.torch;

namespace TrainMonitor.Observability.Tests.Served;

/// <summary>
/// The <c>/metrics</c> page exactly as the hosted exporter serves it (default registry, so with prometheus-net's
/// process and runtime metrics next to the <c>trainmonitor_*</c> ones), checked by the real <c>promtool check metrics</c>.
/// </summary>
public sealed class ServedPageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-served-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableFact]
    public async Task TheServedPagePassesPromtoolCheckMetrics()
    {
        PrometheusBinaries.Require("promtool");
        var page = await ServedPageAsync();

        var (exitCode, output) = await PromtoolRun.RunWithInputAsync(_directory, page, "check", "metrics");

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:{Environment.NewLine}{output}");
        // The page is the whole page, not only the trainmonitor subset: a probe and the default collectors are on it.
        Assert.Matches("trainmonitor_error_energy\\{run=\"served\",run_id=\"[0-9a-f-]{36}\"\\}", page);
        Assert.Contains("process_cpu_seconds_total", page, StringComparison.Ordinal);
    }

    /// <summary>Hosts the exporter on a free port with its default registry, runs one probe and fetches the page over HTTP.</summary>
    private async Task<string> ServedPageAsync()
    {
        var port = FreePort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TrainMonitor:RunName"] = "served",
            ["TrainMonitor:Schedule:Kind"] = "EveryNSteps",
            ["TrainMonitor:Schedule:ProbeInterval"] = "1",
            ["TrainMonitor:Probe:LanczosSteps"] = "8",
            ["TrainMonitor:Prometheus:Port"] = port.ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddLogging();
        builder.Services.AddTrainMonitor(builder.Configuration.GetSection("TrainMonitor")).AddPrometheusExporter();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var generator = new Generator(7);
            var model = nn.Sequential(("fc1", nn.Linear(4, 8)), ("act", nn.Tanh()), ("fc2", nn.Linear(8, 2)));
            var probe = ProbeSet.FromTensors(randn(new long[] { 16, 4 }, generator: generator), randint(0, 2, new long[] { 16 }, generator: generator), batchSize: 16);
            var monitor = host.Services.GetRequiredService<ITrainingMonitorFactory>().Attach(model, probe, ErrorFunctions.CrossEntropy);
            monitor.OnStep(1);
            await monitor.FlushAsync();

            using var http = new HttpClient();
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics"));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
