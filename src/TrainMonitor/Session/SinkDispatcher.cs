using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;

namespace TrainMonitor.Session;

/// <summary>
/// Hands the monitor's events to its sinks, in order, on one task of its own: the training thread only queues. Each sink
/// is isolated from the others (in the manner of Serilog's SafeAggregateSink): a sink that throws is logged and
/// skipped for that event, and the rest still get it.
/// </summary>
internal sealed class SinkDispatcher
{
    private readonly IMonitorSink[] _sinks;
    private readonly string _run;
    private readonly ILogger _logger;
    private readonly Channel<DispatchItem> _queue =
        Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Task _loop;

    public SinkDispatcher(IMonitorSink[] sinks, string run, ILogger logger)
    {
        _sinks = sinks;
        _run = run;
        _logger = logger;
        _loop = Task.Run(DispatchAsync);
    }

    /// <summary>Queues an event; never blocks (the queue is unbounded). False only once <see cref="CompleteAsync"/> closed the queue, when nothing runs any more.</summary>
    public bool Post(MonitorEvent monitorEvent) => _queue.Writer.TryWrite(new DispatchItem(monitorEvent, null));

    /// <summary>Queues a flush that completes once every earlier event is written and every sink flushed; false once closed.</summary>
    public bool TryFlush(out Task flushed)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flushed = done.Task;
        return _queue.Writer.TryWrite(new DispatchItem(null, done));
    }

    /// <summary>Flushes, closes the queue and waits until everything queued has been written.</summary>
    public async Task CompleteAsync()
    {
        _ = TryFlush(out _);
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task DispatchAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Event is { } monitorEvent)
            {
                foreach (var sink in _sinks)
                {
                    try
                    {
                        await sink.WriteAsync(monitorEvent, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        GuardedLog.Write(() => MonitorLog.SinkWriteFailed(_logger, ex, _run, sink.GetType().Name, monitorEvent.GetType().Name, monitorEvent.Step));
                    }
                }
            }

            if (item.Flush is { } flush)
            {
                foreach (var sink in _sinks)
                {
                    try
                    {
                        await sink.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        GuardedLog.Write(() => MonitorLog.SinkFlushFailed(_logger, ex, _run, sink.GetType().Name));
                    }
                }

                flush.TrySetResult();
            }
        }
    }
}
