using Prometheus;
using TrainMonitor.Outputs.Metrics;
using static TrainMonitor.Prometheus.PrometheusMetricNames;

namespace TrainMonitor.Prometheus;

/// <summary>
/// The gauges, counters and histogram <see cref="PrometheusSink"/> exports: one instrument per row of
/// <see cref="MetricTable"/> that is exported to Prometheus, created on one registry in table order (which is the order
/// the exposition lists them), named <c>trainmonitor_{Name}</c> with the row's help text and the label names of its kind, every
/// one led by <c>run</c> and <c>run_id</c>.
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
                MetricKind.Scalar => factory.CreateGauge(name, metric.Help, RunLabel, RunIdLabel),
                MetricKind.Interval => factory.CreateGauge(name, metric.Help, RunLabel, RunIdLabel, BoundLabel),
                MetricKind.PerShell => factory.CreateGauge(name, metric.Help, RunLabel, RunIdLabel, ShellLabel, LambdaLowerLabel),
                MetricKind.PerShellInterval => factory.CreateGauge(name, metric.Help, RunLabel, RunIdLabel, ShellLabel, LambdaLowerLabel, BoundLabel),
                MetricKind.RegimeStateSet => factory.CreateGauge(name, metric.Help, RunLabel, RunIdLabel, RegimeLabel),
                MetricKind.Counter => factory.CreateCounter(name, metric.Help, RunLabel, RunIdLabel),
                MetricKind.Histogram => factory.CreateHistogram(
                    name, metric.Help, new HistogramConfiguration { LabelNames = [RunLabel, RunIdLabel], Buckets = [.. PrometheusSink.ProbeDurationBuckets] }),
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

    public Counter ProbesPostponedTotal => Counter(MetricTable.ProbesPostponedTotal);

    public Counter OperatorApplicationsTotal => Counter(MetricTable.OperatorApplicationsTotal);

    /// <summary>The gauge of a scalar, interval, per-shell or state-set row.</summary>
    public Gauge Gauge(MetricDefinition metric) => (Gauge)_byMetric[metric];

    /// <summary>The counter of a counter row.</summary>
    public Counter Counter(MetricDefinition metric) => (Counter)_byMetric[metric];

    /// <summary>The histogram of a histogram row.</summary>
    public Histogram Histogram(MetricDefinition metric) => (Histogram)_byMetric[metric];

    /// <summary>The <c>run_id</c> label value of a run id: empty, which Prometheus reads as no label, when it is not known.</summary>
    public static string RunIdValue(string? runId) => runId ?? string.Empty;

    /// <summary>Removes every series whose <c>run</c> label is <paramref name="run"/>, whatever its other labels (run ids included).</summary>
    public void RemoveRun(string run)
    {
        foreach (var collector in _byMetric.Values)
        {
            switch (collector)
            {
                case Gauge gauge:
                    RemoveRun(gauge, run);
                    break;
                case Counter counter:
                    RemoveRun(counter, run);
                    break;
                case Histogram histogram:
                    RemoveRun(histogram, run);
                    break;
            }
        }
    }

    private static void RemoveRun<TChild>(Collector<TChild> collector, string run)
        where TChild : ChildBase
    {
        // The run label comes first in every instrument (see the constructor).
        foreach (var labels in collector.GetAllLabelValues().Where(l => l.Length > 0 && l[0] == run).ToArray())
        {
            collector.RemoveLabelled(labels);
        }
    }

    /// <summary>Sets the <c>estimate</c>, <c>lower</c> and <c>upper</c> series of <paramref name="gauge"/> under <paramref name="labels"/>.</summary>
    public static void SetBounds(Gauge gauge, string[] labels, double estimate, double lower, double upper)
    {
        gauge.WithLabels([.. labels, BoundNames[0]]).Set(estimate);
        gauge.WithLabels([.. labels, BoundNames[1]]).Set(lower);
        gauge.WithLabels([.. labels, BoundNames[2]]).Set(upper);
    }
}
