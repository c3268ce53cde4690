using TrainMonitor.Regimes;

namespace TrainMonitor.Outputs;

/// <summary>Something the monitor reports to its sinks. Sinks switch on the concrete type and ignore what they do not use.</summary>
public abstract record MonitorEvent(string Run, long Step, DateTimeOffset Timestamp);

/// <summary>A probe finished.</summary>
public sealed record ProbeCompleted(ProbeSnapshot Snapshot)
    : MonitorEvent(Snapshot.Run, Snapshot.Step, Snapshot.Timestamp);

/// <summary>A probe failed (exception, non-finite error, out of memory); the run goes on.</summary>
/// <remarks>
/// <see cref="Message"/> is one line: the first line of the exception's message, as the monitor reports it (a libtorch
/// error's message goes on with its C++ stack; the monitor logs the whole exception at Debug, docs/snapshot-schema.md).
/// </remarks>
public sealed record ProbeFailed(string Run, long Step, DateTimeOffset Timestamp, string ErrorType, string Message, long FailuresTotal)
    : MonitorEvent(Run, Step, Timestamp)
{
    /// <summary>The monitor session's run id (<see cref="ProbeSnapshot.RunId"/>); null when not known.</summary>
    public string? RunId { get; init; }
}

/// <summary>A probe was due but not taken (the previous one was still running in background mode).</summary>
public sealed record ProbeSkipped(string Run, long Step, DateTimeOffset Timestamp, string Reason, long SkippedTotal)
    : MonitorEvent(Run, Step, Timestamp)
{
    /// <summary>The monitor session's run id (<see cref="ProbeSnapshot.RunId"/>); null when not known.</summary>
    public string? RunId { get; init; }
}

/// <summary>The regime changed between two probes.</summary>
public sealed record RegimeChanged(string Run, long Step, DateTimeOffset Timestamp, TrainingRegime Previous, TrainingRegime Current, string Reason)
    : MonitorEvent(Run, Step, Timestamp);
