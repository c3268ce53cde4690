using Microsoft.Extensions.Logging;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;
using TrainMonitor.Torch;

namespace TrainMonitor.Outputs.Logging;

/// <summary>
/// Writes the monitor's events as structured log events through <see cref="ILogger"/> (and so to Serilog, the console or
/// any other provider). Every event kind has a stable event id and a message template with named properties; the table
/// is in docs/snapshot-schema.md.
/// </summary>
/// <remarks>
/// Event ids: 4100 probe completed (Information), 4101 regime changed (Information; Warning when the new regime is an
/// alert state, <see cref="TrainingRegimeNames.IsAlert"/>: <c>unstable</c>, <c>overfitting</c>, <c>lazy_stagnant</c> or
/// <c>not_learning</c>), 4102 probe failed (Warning), 4103 probe skipped (Debug), 4104 probe method fell
/// back (Information; once per run and reason, not at every probe). A failure's message is logged as one line (its first), without
/// a stack trace: the monitor's own logger has the exception, at Debug. Regimes and probe methods are logged by their wire names
/// (<see cref="TrainingRegimeNames"/>, <see cref="ProbeMethodNames"/>). Non-finite numbers are logged as NaN, as they are
/// in the snapshot.
/// </remarks>
public sealed partial class LoggingSink : IMonitorSink
{
    /// <summary>Event id of a completed probe.</summary>
    public const int ProbeCompletedEventId = 4100;

    /// <summary>Event id of a regime change.</summary>
    public const int RegimeChangedEventId = 4101;

    /// <summary>Event id of a failed probe.</summary>
    public const int ProbeFailedEventId = 4102;

    /// <summary>Event id of a skipped probe.</summary>
    public const int ProbeSkippedEventId = 4103;

    /// <summary>Event id of the first probe of a run whose Auto method fell back to Lanczos (and of each new reason).</summary>
    public const int ProbeFellBackEventId = 4104;

    /// <summary>What <c>ProbeFallbackReason</c> says when every batch took the requested method.</summary>
    public const string NoFallback = "none";

    private readonly ILogger<LoggingSink> _logger;

    // The last fallback reason logged per run: a run that falls back at every probe says so once, not in every event.
    private readonly Dictionary<string, string> _lastFallbackReason = new(StringComparer.Ordinal);

    /// <summary>Creates the sink over <paramref name="logger"/>.</summary>
    public LoggingSink(ILogger<LoggingSink> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Logs one event; event kinds this sink does not know are ignored.</summary>
    public ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(monitorEvent);
        ct.ThrowIfCancellationRequested();
        switch (monitorEvent)
        {
            case ProbeCompleted { Snapshot: var s }:
                LogProbeCompleted(
                    _logger,
                    s.Run,
                    s.Step,
                    s.ProbeIndex,
                    s.ErrorEnergy,
                    s.ProbeLoss,
                    s.NullEnergy,
                    s.Frontier.Lambda,
                    s.Frontier.LambdaLower,
                    s.Frontier.LambdaUpper,
                    s.Frontier.EnergyFraction,
                    s.Frontier.Reason ?? "determined",
                    s.Frontier.Fit.Lambda,
                    s.Frontier.Fit.TailExponent,
                    s.Frontier.Fit.R2,
                    s.Frontier.Fit.Reason ?? "determined",
                    s.Frontier.Fit.OutlierEnergy,
                    s.Assessment.FrontierVelocity,
                    s.Assessment.PredictedLossExponent,
                    s.LambdaMax,
                    s.Assessment.StabilityMargin,
                    s.SpectralPosition,
                    s.Assessment.KernelDistance,
                    s.Assessment.OutputChange,
                    s.Transport?.TransportFraction ?? double.NaN,
                    s.Assessment.Regime.ToWireName(),
                    s.OperatorApplications,
                    s.ProbeDurationSeconds,
                    s.ProbeMethods.Select(ProbeMethodNames.ToWireName).ToArray(),
                    RequestedName(s),
                    s.ProbeFallbackReason ?? NoFallback);
                if (IsNewFallback(s))
                {
                    LogProbeFellBack(_logger, s.Run, s.Step, RequestedName(s), s.ProbeMethods.Count(m => m == ProbeMethod.Lanczos), s.ProbeMethods.Count,
                        s.ProbeFallbackReason!);
                }

                break;
            case RegimeChanged e:
                LogRegimeChanged(_logger, RegimeChangeLevel.Of(e.Current), e.Run, e.Step, e.Previous.ToWireName(), e.Current.ToWireName(), e.Reason);
                break;
            case ProbeFailed e:
                // One line whoever built the event: a message carrying libtorch's C++ stack would be ~45 lines at Warning.
                LogProbeFailed(_logger, e.Run, e.Step, e.ErrorType, TorchErrorText.FirstLine(e.Message), e.FailuresTotal);
                break;
            case ProbeSkipped e:
                LogProbeSkipped(_logger, e.Run, e.Step, e.Reason, e.SkippedTotal);
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Does nothing: flushing belongs to the logging provider.</summary>
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    private static string RequestedName(ProbeSnapshot s) => s.ProbeMethodRequested is { } m ? ProbeMethodNames.ToWireName(m) : "unknown";

    /// <summary>True the first time a run reports a fallback reason, and whenever the reason differs from the last one logged.</summary>
    private bool IsNewFallback(ProbeSnapshot s)
    {
        if (s.ProbeFallbackReason is not { } reason)
        {
            return false;
        }

        // Sinks may be written from more than one monitor's dispatcher (several runs, one sink).
        lock (_lastFallbackReason)
        {
            if (_lastFallbackReason.TryGetValue(s.Run, out var last) && last == reason)
            {
                return false;
            }

            _lastFallbackReason[s.Run] = reason;
            return true;
        }
    }

    [LoggerMessage(
        EventId = ProbeCompletedEventId,
        EventName = "ProbeCompleted",
        Level = LogLevel.Information,
        Message = "Probe {ProbeIndex} of {Run} at step {Step}: error energy {ErrorEnergy:G4}, held-out loss {ProbeLoss:G4}, null energy {NullEnergy:G4}, " +
                  "frontier {FrontierLambda:G4} in [{FrontierLower:G4}, {FrontierUpper:G4}] (energy fraction {FrontierEnergyFraction:G3} above, {FrontierStatus}, velocity {FrontierVelocity:G3}), " +
                  "fit λ {FitLambda:G4} (tail exponent {TailExponent:G3}, R² {FrontierR2:F3}, {FitStatus}, outlier energy {OutlierEnergy:G3}), " +
                  "predicted loss exponent {PredictedLossExponent:G3}, λ_max {LambdaMax:G4}, stability margin {StabilityMargin:G3}, " +
                  "spectral position {SpectralPosition:G4}, kernel distance {KernelDistance:G3}, output change {OutputChange:G3}, transport fraction {TransportFraction:G3}, regime {Regime}; " +
                  "{OperatorApplications} operator applications in {ProbeDurationSeconds:F3} s; " +
                  "batch methods {ProbeMethods} (requested {ProbeMethodRequested}), fallback reason: {ProbeFallbackReason}")]
    private static partial void LogProbeCompleted(
        ILogger logger,
        string run,
        long step,
        long probeIndex,
        double errorEnergy,
        double probeLoss,
        double nullEnergy,
        double frontierLambda,
        double frontierLower,
        double frontierUpper,
        double frontierEnergyFraction,
        string frontierStatus,
        double fitLambda,
        double tailExponent,
        double frontierR2,
        string fitStatus,
        double outlierEnergy,
        double frontierVelocity,
        double predictedLossExponent,
        double lambdaMax,
        double stabilityMargin,
        double spectralPosition,
        double kernelDistance,
        double outputChange,
        double transportFraction,
        string regime,
        long operatorApplications,
        double probeDurationSeconds,
        string[] probeMethods,
        string probeMethodRequested,
        string probeFallbackReason);

    [LoggerMessage(
        EventId = ProbeFellBackEventId,
        EventName = "ProbeFellBack",
        Level = LogLevel.Information,
        Message = "Probe method {ProbeMethodRequested} of {Run} fell back to Lanczos at step {Step} for {FallbackBatches} of {Batches} batches: " +
                  "{ProbeFallbackReason}")]
    private static partial void LogProbeFellBack(ILogger logger, string run, long step, string probeMethodRequested, int fallbackBatches, int batches,
        string probeFallbackReason);

    [LoggerMessage(
        EventId = RegimeChangedEventId,
        EventName = "RegimeChanged",
        Message = "Regime of {Run} changed at step {Step} from {PreviousRegime} to {Regime}: {Reason}")]
    private static partial void LogRegimeChanged(ILogger logger, LogLevel level, string run, long step, string previousRegime, string regime, string reason);

    [LoggerMessage(
        EventId = ProbeFailedEventId,
        EventName = "ProbeFailed",
        Level = LogLevel.Warning,
        Message = "Probe of {Run} at step {Step} failed with {ErrorType}: {Message} ({FailuresTotal} failures so far); training goes on")]
    private static partial void LogProbeFailed(ILogger logger, string run, long step, string errorType, string message, long failuresTotal);

    [LoggerMessage(
        EventId = ProbeSkippedEventId,
        EventName = "ProbeSkipped",
        Level = LogLevel.Debug,
        Message = "Probe of {Run} due at step {Step} skipped: {Reason} ({SkippedTotal} skipped so far)")]
    private static partial void LogProbeSkipped(ILogger logger, string run, long step, string reason, long skippedTotal);
}
