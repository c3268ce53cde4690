using TrainMonitor.Outputs;
using TrainMonitor.Outputs.TensorBoard;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// TensorBoard output of an analysis: each depth's run into a sub-directory of its own (<c>DIR/&lt;run&gt;</c>), which
/// TensorBoard shows as separate runs; in one event file the depths would write the same tags at the same steps.
/// </summary>
internal sealed class TensorBoardPerRun(string directory) : IMonitorSink
{
    private readonly Dictionary<string, TensorBoardSink> _sinks = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        // The monitor calls its sinks from one dispatch task, one event at a time.
        if (!_sinks.TryGetValue(monitorEvent.Run, out var sink))
        {
            sink = new TensorBoardSink(Path.Combine(directory, monitorEvent.Run));
            _sinks.Add(monitorEvent.Run, sink);
        }

        return sink.WriteAsync(monitorEvent, ct);
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
