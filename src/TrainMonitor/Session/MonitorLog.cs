using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;

namespace TrainMonitor.Session;

/// <summary>The monitor's log messages (source-generated: no allocation when the level is off).</summary>
internal static partial class MonitorLog
{
    // The events a LoggingSink also logs (as 4100–4104); SinkLoggedEvents leaves them to it.
    public const int ProbeCompletedEventId = 1;
    public const int ProbeFailedEventId = 2;
    public const int ProbeSkippedEventId = 3;
    public const int RegimeChangedEventId = 4;
    public const int ProbeFellBackEventId = 9;

    [LoggerMessage(EventId = ProbeCompletedEventId, Level = LogLevel.Debug,
        Message = "Run {Run}: probe {ProbeIndex} at step {Step}: error energy {ErrorEnergy}, λ_max {LambdaMax}, regime {Regime}, {DurationSeconds} s; batch methods {ProbeMethods}, fallback reason: {ProbeFallbackReason}")]
    public static partial void ProbeCompleted(ILogger logger, string run, long probeIndex, long step, double errorEnergy, double lambdaMax,
        string regime, double durationSeconds, string[] probeMethods, string probeFallbackReason);

    // One line: the first line of the message, without the exception (a libtorch error's message and stack run to ~45
    // lines, at every failed probe). The exception follows as ProbeFailedDetail, at Debug.
    [LoggerMessage(EventId = ProbeFailedEventId, Level = LogLevel.Warning,
        Message = "Run {Run}: probe at step {Step} failed ({ErrorType}: {ErrorMessage}); training goes on ({FailuresTotal} failures so far)")]
    public static partial void ProbeFailed(ILogger logger, string run, long step, string errorType, string errorMessage, long failuresTotal);

    // No LoggingSink counterpart (a sink sees the event record, not the exception), so it is logged with or without one.
    [LoggerMessage(EventId = 10, Level = LogLevel.Debug,
        Message = "Run {Run}: the probe at step {Step} failed with this {ErrorType} (full message and stack trace)")]
    public static partial void ProbeFailedDetail(ILogger logger, Exception exception, string run, long step, string errorType);

    [LoggerMessage(EventId = ProbeSkippedEventId, Level = LogLevel.Information,
        Message = "Run {Run}: probe due at step {Step} skipped: {Reason} ({SkippedTotal} skipped so far)")]
    public static partial void ProbeSkipped(ILogger logger, string run, long step, string reason, long skippedTotal);

    // The level is the caller's, from RegimeChangeLevel: Warning into an alert state, as LoggingSink logs the same change.
    [LoggerMessage(EventId = RegimeChangedEventId,
        Message = "Run {Run}: regime changed from {Previous} to {Current} at step {Step}: {Reason}")]
    public static partial void RegimeChanged(ILogger logger, LogLevel level, string run, long step, string previous, string current, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Run {Run}: sink {Sink} failed to write {EventType} of step {Step}; other sinks and training are unaffected")]
    public static partial void SinkWriteFailed(ILogger logger, Exception exception, string run, string sink, string eventType, long step);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Run {Run}: sink {Sink} failed to flush; other sinks and training are unaffected")]
    public static partial void SinkFlushFailed(ILogger logger, Exception exception, string run, string sink);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information,
        Message = "Run {Run}: probe at step {Step} cancelled after {DurationSeconds} s because the monitor was stopped with a cancelled token; its result is discarded")]
    public static partial void ProbeCancelled(ILogger logger, string run, long step, double durationSeconds);

    // Information, not Warning: the Lanczos path is correct (certified bounds), only slower and less sharp than Gram.
    [LoggerMessage(EventId = ProbeFellBackEventId, Level = LogLevel.Information,
        Message = "Run {Run}: probe method {ProbeMethodRequested} fell back to Lanczos at step {Step} for {FallbackBatches} of {Batches} batches: {ProbeFallbackReason}")]
    public static partial void ProbeFellBack(ILogger logger, string run, long step, string probeMethodRequested, int fallbackBatches, int batches,
        string probeFallbackReason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "Run {Run}: probing the first {Examples} of the probe set's {ProbeSetExamples} examples, the same ones at every probe (MaxProbeExamples; 0 probes them all)")]
    public static partial void ProbeSetCapped(ILogger logger, string run, int examples, long probeSetExamples);

    /// <summary>Logged once per monitor, at the first probe the overhead budget postpones; later ones are only counted.</summary>
    [LoggerMessage(EventId = 11, Level = LogLevel.Information,
        Message = "Run {Run}: the probe due at step {Step} is postponed to keep probes within {Budget} of the training time (measured over at least {HorizonSteps} steps): the last probe took {LastProbeSeconds} s and probes have taken {ProbeSeconds} s of {BudgetedSeconds} s; it runs when the budget allows. Later postponements are counted (probes_postponed_total), not logged")]
    public static partial void ProbePostponed(ILogger logger, string run, long step, string budget, long horizonSteps, double lastProbeSeconds, double probeSeconds,
        double budgetedSeconds);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error,
        Message = "Run {Run}: unexpected monitor error at step {Step}; training goes on")]
    public static partial void MonitorError(ILogger logger, Exception exception, string run, long step);
}
