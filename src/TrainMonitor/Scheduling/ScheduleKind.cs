namespace TrainMonitor.Scheduling;

/// <summary>Which built-in schedule <see cref="ScheduleOptions"/> builds.</summary>
public enum ScheduleKind
{
    /// <summary>Log-spaced steps (<see cref="LogSpacedSchedule"/>): <c>FirstProbeStep · LogSpacingFactor^k</c>.</summary>
    LogSpaced = 0,

    /// <summary>Every <c>ProbeInterval</c> steps (<see cref="EveryNSteps"/>).</summary>
    EveryNSteps = 1,
}
