using System.Diagnostics.Metrics;
using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Shells;

namespace TrainMonitor.Telemetry;

/// <summary>
/// What <see cref="TrainMonitorMeter"/>'s observable instruments report at a collection: one measurement per series, tagged
/// as the Prometheus endpoint labels its series, read from the latest snapshot per run and the tracked statuses.
/// </summary>
internal sealed class MeterReadings(
    Func<IReadOnlyDictionary<(string Run, string RunId), ProbeSnapshot>> latest, Func<IReadOnlyList<Func<MonitorStatus>>> statuses)
{
    /// <summary>The rows read from a run's live status, and how.</summary>
    private static readonly Dictionary<MetricDefinition, Func<MonitorStatus, double>> FromStatus = new()
    {
        [MetricTable.TrainingStep] = s => s.TrainingStep,
        [MetricTable.OverheadRatio] = s => s.OverheadRatio,
        [MetricTable.ProbesTotal] = s => s.ProbesTotal,
        [MetricTable.ProbeFailuresTotal] = s => s.ProbeFailuresTotal,
        [MetricTable.ProbesSkippedTotal] = s => s.ProbesSkippedTotal,
        [MetricTable.ProbesPostponedTotal] = s => s.ProbesPostponedTotal,
        [MetricTable.OperatorApplicationsTotal] = s => s.OperatorApplicationsTotal,
    };

    /// <summary>The tags every series carries: <c>run</c> and <c>run_id</c> (empty when not known, as on the endpoint).</summary>
    public static KeyValuePair<string, object?>[] RunTags(string run, string? runId) => [new("run", run), new("run_id", runId ?? string.Empty)];

    /// <summary>A counter's measurements: one per tracked run.</summary>
    public IEnumerable<Measurement<double>> Counter(MetricDefinition metric)
    {
        foreach (var status in Statuses())
        {
            yield return new Measurement<double>(FromStatus[metric](status), RunTags(status.Run, status.RunId));
        }
    }

    /// <summary>A gauge's measurements for every run, as the row's shape asks.</summary>
    public IEnumerable<Measurement<double>> Gauge(MetricDefinition metric)
    {
        var tracked = new HashSet<(string, string)>();
        if (FromStatus.TryGetValue(metric, out var read))
        {
            foreach (var status in Statuses())
            {
                tracked.Add((status.Run, status.RunId ?? string.Empty));
                yield return new Measurement<double>(read(status), RunTags(status.Run, status.RunId));
            }
        }

        foreach (var ((run, runId), snapshot) in latest())
        {
            if (tracked.Contains((run, runId)))
            {
                continue; // the status is newer than the snapshot
            }

            foreach (var measurement in Of(metric, snapshot, RunTags(run, runId)))
            {
                yield return measurement;
            }
        }
    }

    private static IEnumerable<Measurement<double>> Of(MetricDefinition metric, ProbeSnapshot snapshot, KeyValuePair<string, object?>[] run)
    {
        switch (metric.Kind)
        {
            case MetricKind.Scalar:
                yield return new Measurement<double>(metric.Value!(snapshot), run);
                break;
            case MetricKind.Interval:
                foreach (var m in Bounds(metric.Value!(snapshot), metric.Lower!(snapshot), metric.Upper!(snapshot), run))
                {
                    yield return m;
                }

                break;
            case MetricKind.RegimeStateSet:
                foreach (var regime in TrainingRegimeNames.All)
                {
                    yield return new Measurement<double>(regime == snapshot.Assessment.Regime ? 1 : 0, [.. run, new("regime", regime.ToWireName())]);
                }

                break;
            case MetricKind.PerShell or MetricKind.PerShellInterval:
                var grid = ShellGrid.IsValidRatio(snapshot.ShellRatio) ? new ShellGrid(snapshot.ShellRatio) : null;
                foreach (var shell in metric.ShellsOf(snapshot))
                {
                    // The endpoint's shell labels: the index and the grid edge q^α, fixed per shell (invariant G6).
                    KeyValuePair<string, object?>[] tags = [.. run, new("shell", shell.Index.ToString(CultureInfo.InvariantCulture)),
                        new("lambda_lower", (grid?.LowerEdge(shell.Index) ?? shell.LambdaLower).ToString("G6", CultureInfo.InvariantCulture))];
                    var value = metric.ShellValue!(shell) ?? double.NaN;
                    if (metric.Kind == MetricKind.PerShell)
                    {
                        yield return new Measurement<double>(value, tags);
                        continue;
                    }

                    foreach (var m in Bounds(value, metric.ShellLower!(shell), metric.ShellUpper!(shell), tags))
                    {
                        yield return m;
                    }
                }

                break;
            default:
                throw new InvalidOperationException($"Metric {metric.Name} of kind {metric.Kind} is not a gauge.");
        }
    }

    private static IEnumerable<Measurement<double>> Bounds(double estimate, double lower, double upper, KeyValuePair<string, object?>[] tags)
    {
        yield return new Measurement<double>(estimate, [.. tags, new("bound", "estimate")]);
        yield return new Measurement<double>(lower, [.. tags, new("bound", "lower")]);
        yield return new Measurement<double>(upper, [.. tags, new("bound", "upper")]);
    }

    // A status provider that throws is left out of this collection; the others are reported.
    private IEnumerable<MonitorStatus> Statuses()
    {
        foreach (var provider in statuses())
        {
            MonitorStatus? status;
            try
            {
                status = provider();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                status = null;
            }

            if (status is not null)
            {
                yield return status;
            }
        }
    }
}
