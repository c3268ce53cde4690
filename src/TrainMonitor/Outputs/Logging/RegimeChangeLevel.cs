using Microsoft.Extensions.Logging;
using TrainMonitor.Regimes;

namespace TrainMonitor.Outputs.Logging;

/// <summary>
/// The level of a regime-change log event, whoever logs it (<see cref="LoggingSink"/>, or the monitor's own logger when no
/// such sink is among its sinks): one rule, so the two records of a change can never disagree on whether it needs attention.
/// </summary>
internal static class RegimeChangeLevel
{
    /// <summary>
    /// Warning when the run has entered a regime that needs attention, Information otherwise. The core's list of alert states
    /// (<see cref="TrainingRegimeNames.IsAlert"/>) decides, so a regime added there is logged at the right level without a
    /// change here; a log-level filter or a Serilog alert on Warning then catches every alert state.
    /// </summary>
    public static LogLevel Of(TrainingRegime regime) => regime.IsAlert() ? LogLevel.Warning : LogLevel.Information;
}
