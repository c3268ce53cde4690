using TrainMonitor.Scheduling;

namespace TrainMonitor.Session;

/// <summary>
/// Tells when an overhead budget starts holding back a probe its inner schedule wants, so that each postponed probe is
/// counted once (not at every step it waits) and the first of a run can be logged with the cost that caused it.
/// </summary>
/// <remarks>Training thread only.</remarks>
internal sealed class PostponementWatch(IProbeSchedule schedule)
{
    private readonly OverheadBudgetSchedule? _budget = schedule as OverheadBudgetSchedule;
    private bool _waiting;

    /// <summary>The budget the schedule applies, if any.</summary>
    public OverheadBudgetSchedule? Budget => _budget;

    /// <summary>
    /// Called when the schedule said "not due" at <paramref name="step"/>: true when that is because the budget began,
    /// at this step, to postpone a probe the inner schedule wants.
    /// </summary>
    public bool Begins(long step, ScheduleContext context)
    {
        if (_budget is null || _waiting || !_budget.Inner.IsDue(step, context))
        {
            return false;
        }

        _waiting = true;
        return true;
    }

    /// <summary>A probe was taken: the next postponement is a new one.</summary>
    public void ProbeTaken() => _waiting = false;
}
