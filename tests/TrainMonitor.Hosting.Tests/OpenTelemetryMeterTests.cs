using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Hosting;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Telemetry;
using static TorchSharp.torch;

namespace TrainMonitor.Hosting.Tests;

/// <summary>
/// A host that adds TrainMonitor and an OpenTelemetry pipeline with <c>AddMeter("TrainMonitor")</c> receives every metric the
/// Prometheus endpoint serves, with the endpoint's labels and the monitor's values, and no other code (issue 24).
/// </summary>
public sealed class OpenTelemetryMeterTests
{
    [Fact]
    public async Task AnOpenTelemetryPipelineReceivesEveryMetricWithTheEndpointsLabelsAndTheMonitorsValues()
    {
        var exported = new List<Metric>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TrainMonitor:RunName"] = "otel-run",
            ["TrainMonitor:Schedule:Kind"] = "EveryNSteps",
            ["TrainMonitor:Schedule:ProbeInterval"] = "2",
            ["TrainMonitor:Schedule:OverheadBudget"] = "0",
        });
        builder.Services.AddTrainMonitor(builder.Configuration.GetSection("TrainMonitor"));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(TrainMonitorMeter.MeterName).AddInMemoryExporter(exported));
        using var host = builder.Build();
        await host.StartAsync();

        var generator = new Generator(5);
        var model = nn.Sequential(("fc1", nn.Linear(6, 16)), ("act", nn.Tanh()), ("fc2", nn.Linear(16, 1)));
        var probe = ProbeSet.FromTensors(randn(new long[] { 24, 6 }, generator: generator), randn(new long[] { 24, 1 }, generator: generator), batchSize: 24);
        var monitor = host.Services.GetRequiredService<ITrainingMonitorFactory>().Attach(model, probe, ErrorFunctions.SquaredError);
        for (var step = 1; step <= 4; step++)
        {
            monitor.OnStep(step, learningRate: 0.05, loss: 0.5);
        }

        await monitor.FlushAsync();
        var last = monitor.History[^1];
        var status = monitor.Status;
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        await host.StopAsync();

        // Every row the Prometheus endpoint serves, under the endpoint's name with a dot for its underscore after the prefix.
        var expected = MetricTable.All.Where(m => m.InPrometheus).Select(m => TrainMonitorMeter.InstrumentPrefix + m.Name).Order().ToArray();
        Assert.Equal(expected, exported.Select(m => m.Name).Distinct().Order().ToArray());

        // AddMeter listens by name, so runs of other hosts in this process (tests running beside this one) are exported too:
        // this run's series are the ones tagged with its name.
        var points = exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => Points(g.Last()).Where(p => p.Tags["run"] == "otel-run").ToList());
        Assert.All(points.Values.SelectMany(p => p), p => Assert.Equal(last.RunId, p.Tags["run_id"]));
        Assert.Equal(last.ErrorEnergy, Single(points, "error_energy").Value, 12);
        var frontier = points["trainmonitor.frontier_lambda"].ToDictionary(p => p.Tags["bound"]!, p => p.Value);
        var row = MetricTable.FrontierLambda;
        Assert.Equal((row.Value!(last), row.Lower!(last), row.Upper!(last)), (frontier["estimate"], frontier["lower"], frontier["upper"]));
        Assert.Equal(status.ProbesTotal, Single(points, "probes_total").Value);
        Assert.Equal(status.TrainingStep, Single(points, "training_step").Value);
        var regime = Assert.Single(points["trainmonitor.regime"], p => p.Value == 1);
        Assert.Equal(last.Regime.ToWireName(), regime.Tags["regime"]);

        // The shells: one series per shell and bound, labelled by index and grid edge, with the snapshot's energies.
        var shells = points["trainmonitor.shell_energy"];
        Assert.Equal(3 * last.Shells.Count, shells.Count);
        foreach (var shell in last.Shells)
        {
            var estimate = Assert.Single(shells, p => p.Tags["shell"] == shell.Index.ToString(CultureInfo.InvariantCulture) && p.Tags["bound"] == "estimate");
            Assert.Equal(shell.Estimate, estimate.Value, 12);
            Assert.Equal(Math.Pow(last.ShellRatio, shell.Index).ToString("G6", CultureInfo.InvariantCulture), estimate.Tags["lambda_lower"]);
        }

        Assert.Equal(status.ProbesTotal, points["trainmonitor.probe_duration_seconds"].Single().Value); // the histogram's count
    }

    private static (double Value, Dictionary<string, string?> Tags) Single(Dictionary<string, List<(double Value, Dictionary<string, string?> Tags)>> points, string name) =>
        Assert.Single(points[TrainMonitorMeter.InstrumentPrefix + name]);

    private static List<(double Value, Dictionary<string, string?> Tags)> Points(Metric metric)
    {
        var list = new List<(double, Dictionary<string, string?>)>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, string?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value?.ToString();
            }

            var value = metric.MetricType switch
            {
                MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                MetricType.Histogram => point.GetHistogramCount(),
                MetricType.LongGauge => point.GetGaugeLastValueLong(),
                MetricType.LongSum => point.GetSumLong(),
                _ => double.NaN,
            };
            list.Add((value, tags));
        }

        return list;
    }
}
