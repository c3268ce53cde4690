using System.Reflection;
using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Session;

namespace TrainMonitor.Prometheus.Tests;

/// <summary>Every row of the metric table that Prometheus exports is on the page, with its help and type, under a name PrometheusMetricNames has.</summary>
public sealed class MetricTableExportTests
{
    [Fact]
    public async Task EveryPrometheusRowIsAFamilyOnThePageWithItsHelpAndType()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        sink.Observe(Snapshots.WithBudget(Snapshots.Probe()));
        using var tracking = sink.Track(() => new MonitorStatus { Run = "run-a", ProbesTotal = 1 });
        var page = await ExpositionText.ScrapeAsync(registry);

        foreach (var m in MetricTable.All.Where(m => m.InPrometheus))
        {
            var family = page.Family(PrometheusMetricNames.Prefix + m.Name);
            Assert.Equal(m.Help, family.Help);
            Assert.Equal(m.Kind switch { MetricKind.Counter => "counter", MetricKind.Histogram => "histogram", _ => "gauge" }, family.Type);
            Assert.NotEmpty(family.Samples);
        }

        Assert.Equal(MetricTable.All.Where(m => m.InPrometheus).Select(m => PrometheusMetricNames.Prefix + m.Name), page.Families.Keys);
    }

    [Fact]
    public void PrometheusMetricNamesNamesExactlyTheExportedRows()
    {
        var constants = typeof(PrometheusMetricNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(PrometheusMetricNames.Prefix) && !f.Name.EndsWith("Label", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

        Assert.Equal(
            MetricTable.All.Where(m => m.InPrometheus).Select(m => PrometheusMetricNames.Prefix + m.Name).Order(),
            constants.Order());
    }
}
