using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Shells;

namespace TrainMonitor.Prometheus;

/// <summary>
/// The per-shell series of <see cref="PrometheusSink"/> (every per-shell row of <see cref="MetricTable"/>, labelled by shell
/// index and grid edge): which shells each run has, so that a shell absent from the latest probe loses its series. Not
/// thread-safe: the sink calls it under its lock.
/// </summary>
/// <remarks>
/// The <c>lambda_lower</c> label is the shell's edge on the absolute grid, q^α, computed from the index and the probe's
/// ratio — not the snapshot's <see cref="ShellSnapshot.LambdaLower"/>, which for the lowest shell is the null floor. The
/// floor follows λ_max and moves at nearly every probe, so a label taken from it started a new series for the bottom
/// shell at nearly every probe (seven series for one shell in 80 s); a shell's labels now never change.
/// </remarks>
internal sealed class PrometheusShellSeries(PrometheusInstruments instruments)
{
    // Per run, run id and per-shell row: each row has its own shells (the energy budget's rows have none without a budget).
    private readonly Dictionary<(string Run, string RunId, MetricDefinition Metric), HashSet<ShellKey>> _shells = [];

    /// <summary>The per-shell rows the sink exports, in table order.</summary>
    public static IReadOnlyList<MetricDefinition> Metrics { get; } =
        [.. PrometheusInstruments.Exported.Where(m => m.Kind is MetricKind.PerShell or MetricKind.PerShellInterval)];

    /// <summary>
    /// Sets every per-shell row's series of <paramref name="run"/> and <paramref name="runId"/> from the latest probe and removes
    /// the stale ones.
    /// </summary>
    public void Update(string run, string runId, ProbeSnapshot snapshot)
    {
        var grid = ShellGrid.IsValidRatio(snapshot.ShellRatio) ? new ShellGrid(snapshot.ShellRatio) : null;
        foreach (var metric in Metrics)
        {
            var shells = metric.ShellsOf(snapshot);
            var gauge = instruments.Gauge(metric);
            var current = new HashSet<ShellKey>(shells.Count);
            foreach (var shell in shells)
            {
                var key = new ShellKey(
                    shell.Index.ToString(CultureInfo.InvariantCulture),
                    GridEdge(shell, grid).ToString("G6", CultureInfo.InvariantCulture));
                current.Add(key);
                var value = metric.ShellValue!(shell);
                if (metric.Kind == MetricKind.PerShellInterval)
                {
                    PrometheusInstruments.SetBounds(gauge, [run, runId, key.Shell, key.LambdaLower], value ?? double.NaN, metric.ShellLower!(shell), metric.ShellUpper!(shell));
                }
                else if (value is { } known)
                {
                    gauge.WithLabels(run, runId, key.Shell, key.LambdaLower).Set(known);
                }
                else
                {
                    // The same shell may have had a value at the previous probe (an occupancy the file did not record):
                    // an unknown one must not keep the old one, and a count has no NaN that would mean "unknown".
                    gauge.RemoveLabelled(run, runId, key.Shell, key.LambdaLower);
                }
            }

            // New series are set before stale ones go, so a concurrent scrape never sees the run without shells.
            if (_shells.TryGetValue((run, runId, metric), out var previous))
            {
                foreach (var stale in previous)
                {
                    if (!current.Contains(stale))
                    {
                        RemoveShell(metric, run, runId, stale);
                    }
                }
            }

            _shells[(run, runId, metric)] = current;
        }
    }

    /// <summary>
    /// q^α of the shell's index; its recorded lower edge only when the snapshot has no valid ratio (a file that did not
    /// record one), where nothing better is known.
    /// </summary>
    private static double GridEdge(ShellSnapshot shell, ShellGrid? grid) => grid?.LowerEdge(shell.Index) ?? shell.LambdaLower;

    private void RemoveShell(MetricDefinition metric, string run, string runId, ShellKey key)
    {
        var gauge = instruments.Gauge(metric);
        if (metric.Kind == MetricKind.PerShellInterval)
        {
            foreach (var bound in PrometheusInstruments.BoundNames)
            {
                gauge.RemoveLabelled(run, runId, key.Shell, key.LambdaLower, bound);
            }
        }
        else
        {
            gauge.RemoveLabelled(run, runId, key.Shell, key.LambdaLower);
        }
    }

    /// <summary>Forgets the shells of <paramref name="run"/> (every run id); the sink removes their series with the run's others.</summary>
    public void ForgetRun(string run)
    {
        foreach (var key in _shells.Keys.Where(k => k.Run == run).ToArray())
        {
            _shells.Remove(key);
        }
    }

    private readonly record struct ShellKey(string Shell, string LambdaLower);
}
