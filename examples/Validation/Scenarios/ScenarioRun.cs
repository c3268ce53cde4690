namespace Validation.Scenarios;

/// <summary>
/// What one scenario under one schedule gave: the monitor's probes, the harness's dense loss curve, how far the trainable
/// parameters moved over the run (relative), the probes that failed and the cost.
/// </summary>
internal sealed record ScenarioRun(ScenarioDefinition Definition, ScheduleVariant Schedule, IReadOnlyList<ProbeRecord> Probes,
    IReadOnlyList<LossPoint> Curve, double ParameterDisplacement, long ProbeFailures, double Seconds);
