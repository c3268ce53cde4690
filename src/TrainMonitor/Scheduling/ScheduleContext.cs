namespace TrainMonitor.Scheduling;

/// <summary>What a schedule may look at besides the step: the monitor's probe history and clocks. A value type, so asking a schedule allocates nothing.</summary>
/// <param name="LastProbeStep">
/// Step at which the schedule last fired and the monitor acted on it (a probe was run, whether it succeeded or failed,
/// or was skipped because the previous one was still running); null before the first. A probe postponed by
/// <see cref="OverheadBudgetSchedule"/> does not count: the inner schedule stays due.
/// </param>
/// <param name="TrainingSeconds">Cumulative training wall time: time since attach not spent inside the monitor's <c>OnStep</c>.</param>
/// <param name="ProbeSeconds">Cumulative probe wall time (including, in background mode, the weight copy).</param>
/// <param name="LastProbeSeconds">Wall time of the last finished probe (the expected cost of the next one); null before the first.</param>
public readonly record struct ScheduleContext(long? LastProbeStep, double TrainingSeconds, double ProbeSeconds, double? LastProbeSeconds)
{
    /// <summary>
    /// Training steps <see cref="TrainingSeconds"/> covers: the last reported step minus the first plus one (step numbers,
    /// so a loop that reports every tenth step counts ten per report); 0 when not known.
    /// </summary>
    public long TrainingSteps { get; init; }

    /// <summary>Finished probes <see cref="ProbeSeconds"/> covers; 0 when not known.</summary>
    public long ProbesTimed { get; init; }

    /// <summary>
    /// What the next probe is expected to cost: the larger of the last probe's wall time and the mean so far (null before
    /// the first). The last alone ran over the budget whenever a probe cost more than the one before it (one probe in
    /// three on a busy machine, docs/benchmarks.md "firstrun"); the mean damps that without the cold first probe ruling.
    /// </summary>
    public double? ExpectedProbeSeconds => LastProbeSeconds is not { } last ? null
        : ProbesTimed > 0 ? Math.Max(last, ProbeSeconds / ProbesTimed) : last;

    /// <summary>Mean wall time of a training step so far (<see cref="TrainingSeconds"/> / <see cref="TrainingSteps"/>); null before a step is timed.</summary>
    public double? MeanStepSeconds => TrainingSteps > 0 && TrainingSeconds > 0 ? TrainingSeconds / TrainingSteps : null;
}
