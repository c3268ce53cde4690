using TorchSharp;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;
using SummaryWriter = TorchSharp.Modules.SummaryWriter;

namespace TrainMonitor.Outputs.TensorBoard;

/// <summary>
/// Writes each probe's scalar series to TensorBoard event files through TorchSharp's
/// <c>torch.utils.tensorboard.SummaryWriter</c>: the energy-quantile frontier with its certified ends, its energy fraction,
/// the amplitude–frontier fit's cutoff and outlier energy, error and null energy, the held-out (probe) loss, kernel distances,
/// the output change, spectral position, λ_max, the regime code and the Gauss estimate of every shell: every row of
/// <see cref="MetricTable"/> with a <see cref="MetricDefinition.TensorBoard"/> series (tags in <see cref="TensorBoardTags"/>).
/// Regime changes are written as text.
/// </summary>
/// <remarks>
/// <para>
/// Values that are not finite (an undetermined frontier, the +∞ upper end of a Lanczos interval, the first probe's
/// kernel distance) are not written, so TensorBoard shows a gap instead of a spike; nor are the ends of an undetermined
/// frontier or the cutoff of an undetermined fit, whatever numbers they carry. Each probe is written at its training step with the probe's own
/// timestamp as wall time.
/// </para>
/// <para>
/// TorchSharp's writer opens, appends to and closes its file on every call, synchronously; the monitor calls sinks on its
/// dispatch task, so this never blocks training. Give the sink the same log directory the training loop logs to (it
/// then writes its own event file there and TensorBoard shows both as one run) rather than the loop's writer object:
/// TorchSharp's writer is not safe to use from two threads, and the sink runs on another thread than the loop.
/// </para>
/// </remarks>
public sealed class TensorBoardSink : IMonitorSink
{
    private readonly SummaryWriter _writer;
    private readonly string _prefix;
    private readonly Lock _gate = new();

    /// <summary>Writes a new event file in <paramref name="logDirectory"/> (created if needed), e.g. <c>runs/mnist</c>.</summary>
    /// <param name="logDirectory">TensorBoard log directory of the run.</param>
    /// <param name="tagPrefix">Prefix of every tag; empty for none.</param>
    public TensorBoardSink(string logDirectory, string tagPrefix = TensorBoardTags.DefaultPrefix)
        : this(torch.utils.tensorboard.SummaryWriter(CheckDirectory(logDirectory)), tagPrefix)
    {
    }

    /// <summary>Writes through an existing writer (used from no other thread while the monitor runs; see remarks).</summary>
    /// <param name="writer">A TorchSharp summary writer.</param>
    /// <param name="tagPrefix">Prefix of every tag; empty for none.</param>
    public TensorBoardSink(SummaryWriter writer, string tagPrefix = TensorBoardTags.DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tagPrefix);
        _writer = writer;
        _prefix = tagPrefix.Length == 0 || tagPrefix.EndsWith('/') ? tagPrefix : tagPrefix + "/";
    }

    /// <summary>The directory the event file is in.</summary>
    public string LogDirectory => _writer.LogDir;

    /// <summary>The full tag of <paramref name="name"/>, with the prefix.</summary>
    public string Tag(string name) => _prefix + name;

    /// <inheritdoc />
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(monitorEvent);
        ct.ThrowIfCancellationRequested();
        switch (monitorEvent)
        {
            case ProbeCompleted completed:
                Write(completed.Snapshot, ct);
                break;
            case RegimeChanged changed:
                lock (_gate)
                {
                    _writer.add_text(Tag(TensorBoardTags.RegimeChange),
                        $"{changed.Previous.ToWireName()} → {changed.Current.ToWireName()}: {changed.Reason}",
                        ToGlobalStep(changed.Step), changed.Timestamp.ToUnixTimeSeconds());
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to do: TorchSharp's writer flushes and closes its file after every record.</summary>
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>The rows of the metric table this sink writes, in the order of a probe's records.</summary>
    private static IReadOnlyList<MetricDefinition> Written { get; } =
        [.. MetricTable.All.Where(m => m.TensorBoard is not null).OrderBy(m => m.TensorBoard!.Order)];

    private void Write(ProbeSnapshot snapshot, CancellationToken ct)
    {
        var step = ToGlobalStep(snapshot.Step);
        var wallTime = snapshot.Timestamp.ToUnixTimeSeconds();
        lock (_gate)
        {
            foreach (var metric in Written)
            {
                var series = metric.TensorBoard!;
                if (series.WrittenWhen is { } writtenWhen && !writtenWhen(snapshot))
                {
                    continue;
                }

                switch (metric.Kind)
                {
                    case MetricKind.Interval:
                        Scalar(series.Tag, metric.Value!(snapshot));
                        Scalar(series.Tag + "_lower", metric.Lower!(snapshot));
                        Scalar(series.Tag + "_upper", metric.Upper!(snapshot));
                        break;
                    case MetricKind.PerShell or MetricKind.PerShellInterval:
                        foreach (var shell in metric.ShellsOf(snapshot))
                        {
                            ct.ThrowIfCancellationRequested();
                            Scalar(TensorBoardTags.ShellSeries(series.Tag, shell.Index), metric.ShellValue!(shell) ?? double.NaN);
                        }

                        break;
                    default:
                        Scalar(series.Tag, metric.Value!(snapshot));
                        break;
                }
            }
        }

        void Scalar(string name, double value)
        {
            if (double.IsFinite(value))
            {
                _writer.add_scalar(Tag(name), (float)value, step, wallTime);
            }
        }
    }

    /// <summary>TorchSharp's writer takes a 32-bit step; a larger one cannot be represented and is refused, not wrapped.</summary>
    private static int ToGlobalStep(long step) => step is >= 0 and <= int.MaxValue
        ? (int)step
        : throw new ArgumentOutOfRangeException(nameof(step), step, "TensorBoard steps written through TorchSharp's SummaryWriter must lie in 0..2^31-1.");

    private static string CheckDirectory(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        return logDirectory;
    }
}
