using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;

namespace TrainMonitor.Prometheus;

/// <summary>
/// The per-shell series of <see cref="PrometheusSink"/> (every per-shell row of <see cref="MetricTable"/>, labelled by shell
/// index and lower edge): which shells each run has, so that a shell absent from the latest probe, or whose lower edge
/// moved, loses its series. Not thread-safe: the sink calls it under its lock.
/// </summary>
internal sealed class PrometheusShellSeries(PrometheusInstruments instruments)
{
    private readonly Dictionary<string, HashSet<ShellKey>> _shellsByRun = new(StringComparer.Ordinal);

    /// <summary>The per-shell rows the sink exports, in table order.</summary>
    public static IReadOnlyList<MetricDefinition> Metrics { get; } =
        [.. PrometheusInstruments.Exported.Where(m => m.Kind is MetricKind.PerShell or MetricKind.PerShellInterval)];

    /// <summary>Sets the per-shell series of <paramref name="run"/> from the latest probe's shells and removes the stale ones.</summary>
    public void Update(string run, IReadOnlyList<ShellSnapshot> shells)
    {
        var current = new HashSet<ShellKey>(shells.Count);
        foreach (var shell in shells)
        {
            var key = new ShellKey(
                shell.Index.ToString(CultureInfo.InvariantCulture),
                shell.LambdaLower.ToString("G6", CultureInfo.InvariantCulture));
            current.Add(key);
            foreach (var metric in Metrics)
            {
                var gauge = instruments.Gauge(metric);
                var value = metric.ShellValue!(shell);
                if (metric.Kind == MetricKind.PerShellInterval)
                {
                    PrometheusInstruments.SetBounds(gauge, [run, key.Shell, key.LambdaLower], value ?? double.NaN, metric.ShellLower!(shell), metric.ShellUpper!(shell));
                }
                else if (value is { } known)
                {
                    gauge.WithLabels(run, key.Shell, key.LambdaLower).Set(known);
                }
                else
                {
                    // The same shell may have had a value at the previous probe (an occupancy the file did not record):
                    // an unknown one must not keep the old one, and a count has no NaN that would mean "unknown".
                    gauge.RemoveLabelled(run, key.Shell, key.LambdaLower);
                }
            }
        }

        // New series are set before stale ones go, so a concurrent scrape never sees the run without shells.
        if (_shellsByRun.TryGetValue(run, out var previous))
        {
            foreach (var stale in previous)
            {
                if (!current.Contains(stale))
                {
                    RemoveShell(run, stale);
                }
            }
        }

        _shellsByRun[run] = current;
    }

    private void RemoveShell(string run, ShellKey key)
    {
        foreach (var metric in Metrics)
        {
            var gauge = instruments.Gauge(metric);
            if (metric.Kind == MetricKind.PerShellInterval)
            {
                foreach (var bound in PrometheusInstruments.BoundNames)
                {
                    gauge.RemoveLabelled(run, key.Shell, key.LambdaLower, bound);
                }
            }
            else
            {
                gauge.RemoveLabelled(run, key.Shell, key.LambdaLower);
            }
        }
    }

    /// <summary>Removes every per-shell series of <paramref name="run"/>.</summary>
    public void RemoveRun(string run)
    {
        if (_shellsByRun.Remove(run, out var shells))
        {
            foreach (var shell in shells)
            {
                RemoveShell(run, shell);
            }
        }
    }

    private readonly record struct ShellKey(string Shell, string LambdaLower);
}
