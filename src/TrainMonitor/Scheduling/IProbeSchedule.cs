namespace TrainMonitor.Scheduling;

/// <summary>Decides at which training steps the monitor probes.</summary>
/// <remarks>
/// Implementations should be pure functions of their arguments (the monitor keeps the state in
/// <see cref="ScheduleContext"/>), cheap, and allocation-free: the monitor asks at every step. Steps below 1 are never due
/// (the regime analysis works in ln t).
/// </remarks>
public interface IProbeSchedule
{
    /// <summary>Whether a probe is due at <paramref name="step"/>.</summary>
    bool IsDue(long step, ScheduleContext context);
}
