using Prometheus;
using TrainMonitor.Outputs.Metrics;
using static TrainMonitor.Prometheus.PrometheusMetricNames;

namespace TrainMonitor.Prometheus;

/// <summary>
/// The gauges, counters and histogram <see cref="PrometheusSink"/> exports: one instrument per row of
/// <see cref="MetricTable"/> that is exported to Prometheus, created on one registry in table order (which is the order
/// the exposition lists them), named <c>trainmonitor_{Name}</c> with the row's help text and the label names of its kind.
/// </summary>
internal sealed class PrometheusInstruments
{
    private readonly Dictionary<MetricDefinition, Collector> _byMetric = [];

    /// <summary>Creates every instrument on <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry of the sink.</param>
    public PrometheusInstruments(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        foreach (var metric in Exported)
        {
            var name = Prefix + metric.Name;
            _byMetric.Add(metric, metric.Kind switch
            {
                MetricKind.Scalar => factory.CreateGauge(name, metric.Help, RunLabel),
                MetricKind.Interval => factory.CreateGauge(name, metric.Help, RunLabel, BoundLabel),
                MetricKind.PerShell => factory.CreateGauge(name, metric.Help, RunLabel, ShellLabel, LambdaLowerLabel),
                MetricKind.PerShellInterval => factory.CreateGauge(name, metric.Help, RunLabel, ShellLabel, LambdaLowerLabel, BoundLabel),
                MetricKind.RegimeStateSet => factory.CreateGauge(name, metric.Help, RunLabel, RegimeLabel),
                MetricKind.Counter => factory.CreateCounter(name, metric.Help, RunLabel),
                MetricKind.Histogram => factory.CreateHistogram(
                    name, metric.Help, new HistogramConfiguration { LabelNames = [RunLabel], Buckets = [.. PrometheusSink.ProbeDurationBuckets] }),
                _ => throw new InvalidOperationException($"No Prometheus instrument for {metric.Kind} metric {metric.Name}."),
            });
        }
    }

    /// <summary>The values of the <see cref="BoundLabel"/> label of an interval, in the order their series are created.</summary>
    public static IReadOnlyList<string> BoundNames { get; } = ["estimate", "lower", "upper"];

    /// <summary>The rows of the table this sink exports, in table order.</summary>
    public static IReadOnlyList<MetricDefinition> Exported { get; } = [.. MetricTable.All.Where(m => m.InPrometheus)];

    public Gauge TrainingStep => Gauge(MetricTable.TrainingStep);

    public Gauge OverheadRatio => Gauge(MetricTable.OverheadRatio);

    public Counter ProbesTotal => Counter(MetricTable.ProbesTotal);

    public Counter ProbeFailuresTotal => Counter(MetricTable.ProbeFailuresTotal);

    public Counter ProbesSkippedTotal => Counter(MetricTable.ProbesSkippedTotal);

    public Counter OperatorApplicationsTotal => Counter(MetricTable.OperatorApplicationsTotal);

    /// <summary>The gauge of a scalar, interval, per-shell or state-set row.</summary>
    public Gauge Gauge(MetricDefinition metric) => (Gauge)_byMetric[metric];

    /// <summary>The counter of a counter row.</summary>
    public Counter Counter(MetricDefinition metric) => (Counter)_byMetric[metric];

    /// <summary>The histogram of a histogram row.</summary>
    public Histogram Histogram(MetricDefinition metric) => (Histogram)_byMetric[metric];

    /// <summary>Sets the <c>estimate</c>, <c>lower</c> and <c>upper</c> series of <paramref name="gauge"/> under <paramref name="labels"/>.</summary>
    public static void SetBounds(Gauge gauge, string[] labels, double estimate, double lower, double upper)
    {
        gauge.WithLabels([.. labels, BoundNames[0]]).Set(estimate);
        gauge.WithLabels([.. labels, BoundNames[1]]).Set(lower);
        gauge.WithLabels([.. labels, BoundNames[2]]).Set(upper);
    }
}
