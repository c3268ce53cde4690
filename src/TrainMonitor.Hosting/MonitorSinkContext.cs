using TrainMonitor.Session;

namespace TrainMonitor.Hosting;

/// <summary>What a sink provider knows about the monitor it is creating a sink for.</summary>
/// <param name="RunName">The run's name (the <c>run</c> label, the JSON-lines file name).</param>
/// <param name="Status">Reads the monitor's live status; valid once the monitor is attached (before that it throws).</param>
public sealed record MonitorSinkContext(string RunName, Func<MonitorStatus> Status);
