using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Session;

namespace TrainMonitor.Telemetry;

/// <summary>
/// The monitor's metrics as a <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/>, the .NET way a library
/// publishes metrics: the application picks the exporter — OpenTelemetry (<c>AddOpenTelemetry().WithMetrics(m =>
/// m.AddMeter("TrainMonitor"))</c>, then Prometheus, OTLP or the Aspire dashboard), prometheus-net's <c>MeterAdapter</c>,
/// <c>dotnet-counters</c>. Every row of <see cref="MetricTable"/> that the Prometheus endpoint serves is an instrument here, named
/// <c>trainmonitor.{name}</c> (an OpenTelemetry Prometheus exporter writes <c>trainmonitor_{name}</c>, the endpoint's names),
/// with the endpoint's labels as tags: <c>run</c>, <c>run_id</c>, and <c>bound</c>, <c>shell</c>, <c>lambda_lower</c>,
/// <c>regime</c> as the row's shape asks.
/// </summary>
/// <remarks>
/// <para>
/// Per-probe rows are observable gauges read from the latest snapshot of each run at collection time, so a shell that empties
/// is simply no longer reported; the live counters (<c>probes_total</c>, …), the training step and the overhead ratio are read
/// from the statuses registered with <see cref="Track"/> (the snapshot's step and ratio stand in for runs without one); the
/// probe duration is a histogram recorded at each completed probe. No unit is given to the instruments, so that exporters
/// add no unit suffix to the names.
/// </para>
/// <para>As a sink it only stores the latest snapshot per run: cheap, and nothing is computed unless a listener collects.</para>
/// </remarks>
public sealed class TrainMonitorMeter : IMonitorSink, IDisposable
{
    /// <summary>The meter's name: what <c>AddMeter</c> and <c>dotnet-counters --counters</c> take.</summary>
    public const string MeterName = "TrainMonitor";

    /// <summary>The instruments' name prefix (before the metric table's name).</summary>
    public const string InstrumentPrefix = "trainmonitor.";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<(string Run, string RunId), ProbeSnapshot> _latest = new();
    private readonly Histogram<double> _probeDuration;
    private ImmutableList<Func<MonitorStatus>> _statuses = [];

    /// <summary>Creates the meter through <paramref name="meterFactory"/> (as hosting does), or on its own when null.</summary>
    public TrainMonitorMeter(IMeterFactory? meterFactory = null)
    {
        var options = new MeterOptions(MeterName) { Version = typeof(TrainMonitorMeter).Assembly.GetName().Version?.ToString() };
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _ownsMeter = meterFactory is null; // a factory's meters are disposed with the factory
        var readings = new MeterReadings(() => _latest, () => _statuses);
        Histogram<double>? duration = null;
        foreach (var metric in MetricTable.All.Where(m => m.InPrometheus))
        {
            var name = InstrumentPrefix + metric.Name;
            switch (metric.Kind)
            {
                case MetricKind.Counter:
                    _meter.CreateObservableCounter(name, () => readings.Counter(metric), unit: null, description: metric.Help);
                    break;
                case MetricKind.Histogram:
                    duration = _meter.CreateHistogram<double>(name, unit: null, description: metric.Help);
                    break;
                default:
                    _meter.CreateObservableGauge(name, () => readings.Gauge(metric), unit: null, description: metric.Help);
                    break;
            }
        }

        _probeDuration = duration ?? throw new InvalidOperationException("The metric table has no histogram row for the probe duration.");
    }

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter => _meter;

    /// <summary>
    /// Registers the live status of a run: read at every collection for its counters, step and overhead ratio. Several runs
    /// may be tracked at once.
    /// </summary>
    /// <param name="status">Returns the run's current status; must be cheap and thread-safe.</param>
    /// <returns>A handle that stops reading <paramref name="status"/> when disposed.</returns>
    public IDisposable Track(Func<MonitorStatus> status)
    {
        ArgumentNullException.ThrowIfNull(status);
        ImmutableInterlocked.Update(ref _statuses, static (list, s) => list.Add(s), status);
        return new Tracking(this, status);
    }

    /// <summary>Stops reporting <paramref name="run"/> (every run id it had); stop tracking its status first.</summary>
    public void RemoveRun(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var key in _latest.Keys.Where(k => k.Run == run))
        {
            _latest.TryRemove(key, out _);
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(monitorEvent);
        if (monitorEvent is ProbeCompleted { Snapshot: var snapshot })
        {
            _latest[(snapshot.Run, snapshot.RunId ?? string.Empty)] = snapshot;
            _probeDuration.Record(snapshot.ProbeDurationSeconds, MeterReadings.RunTags(snapshot.Run, snapshot.RunId));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to flush: a collection reads the current values.</summary>
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>Disposes the meter when this instance created it (not when a factory did).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private sealed class Tracking(TrainMonitorMeter meter, Func<MonitorStatus> status) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref meter._statuses, static (list, s) => list.Remove(s), status);
    }
}
