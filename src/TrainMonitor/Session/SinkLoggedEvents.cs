using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;

namespace TrainMonitor.Session;

/// <summary>
/// The monitor's logger when a <see cref="LoggingSink"/> is among its sinks: the sink already logs every probe result
/// (completed, failed, skipped, regime changed, fell back; events 4100–4104), so the monitor's own copies of those
/// (events 1–4 and 9) are dropped and each event is logged once. The monitor's other events (sink failures, monitor
/// errors, cancelled probes) have no sink counterpart and pass through.
/// </summary>
/// <remarks>
/// Dropped rather than lowered to Debug: at Debug the same event would again be logged twice. Without a
/// <see cref="LoggingSink"/> the monitor's logger is used as given, so a failing probe is still logged (event 2).
/// </remarks>
internal sealed class SinkLoggedEvents(ILogger inner) : ILogger
{
    /// <summary><paramref name="logger"/>, filtered when <paramref name="sinks"/> include a <see cref="LoggingSink"/>.</summary>
    public static ILogger For(ILogger logger, IEnumerable<IMonitorSink> sinks) =>
        sinks.Any(s => s is LoggingSink) ? new SinkLoggedEvents(logger) : logger;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsLoggedBySink(eventId.Id))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    private static bool IsLoggedBySink(int eventId) => eventId is MonitorLog.ProbeCompletedEventId or MonitorLog.ProbeFailedEventId
        or MonitorLog.ProbeSkippedEventId or MonitorLog.RegimeChangedEventId or MonitorLog.ProbeFellBackEventId;
}
