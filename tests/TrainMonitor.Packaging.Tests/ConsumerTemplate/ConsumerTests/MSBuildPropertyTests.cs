using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TrainMonitor.Hosting;
using TrainMonitor.Prometheus.Hosting;
using TrainMonitor.Session;
using Xunit;

// Run with `dotnet test -p:TrainMonitorEnabled=false -p:TrainMonitorLanczosSteps=12 -p:TrainMonitorMetricsPort=0
// -p:TrainMonitorOutputDirectory=monitor-runs`: every assertion on those values holds only if the properties reached
// this test host (the library defaults are true, 64, 9464 and "runs").
public sealed class MSBuildPropertyTests
{
    [Fact]
    public void TheTestHostSeesTheCommandLineProperties()
    {
        Assert.Equal("false", AppContext.GetData("TrainMonitor.Enabled") as string);
        Assert.False(new MonitorOptions().Enabled);
        Assert.Equal(12, new MonitorOptions().Probe.LanczosSteps);
        Assert.Equal(0, new PrometheusExporterOptions().Port);
        Assert.Equal("monitor-runs", new JsonLinesOptions().OutputDirectory);
    }

    [Fact]
    public void ConfigurationOverridesThePropertiesAndCodeOverridesBoth()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["TrainMonitor:Probe:LanczosSteps"] = "20" })
            .Build().GetSection("TrainMonitor");

        var services = new ServiceCollection();
        services.AddTrainMonitor(configuration).AddJsonLines().AddPrometheusExporter();
        using (var provider = services.BuildServiceProvider())
        {
            var monitor = provider.GetRequiredService<IOptions<MonitorOptions>>().Value;
            Assert.False(monitor.Enabled);                   // MSBuild property
            Assert.Equal(20, monitor.Probe.LanczosSteps);    // configuration over the MSBuild property
            Assert.Equal(2.0, monitor.Probe.ShellRatio);     // neither: the library default
            Assert.Equal(0, provider.GetRequiredService<IOptions<PrometheusExporterOptions>>().Value.Port);
            Assert.Equal("monitor-runs", provider.GetRequiredService<IOptions<JsonLinesOptions>>().Value.OutputDirectory);
        }

        var coded = new ServiceCollection();
        coded.AddTrainMonitor(configuration).AddJsonLines(outputDirectory: "from-code");
        coded.Configure<MonitorOptions>(o => { o.Enabled = true; o.Probe.LanczosSteps = 30; });
        using (var provider = coded.BuildServiceProvider())
        {
            var monitor = provider.GetRequiredService<IOptions<MonitorOptions>>().Value;
            Assert.True(monitor.Enabled);
            Assert.Equal(30, monitor.Probe.LanczosSteps);
            Assert.Equal("from-code", provider.GetRequiredService<IOptions<JsonLinesOptions>>().Value.OutputDirectory);
        }
    }
}
