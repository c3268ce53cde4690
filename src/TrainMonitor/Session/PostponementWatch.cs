using TrainMonitor.Scheduling;

namespace TrainMonitor.Session;

/// <summary>
/// Asks the schedule whether a probe is due and tells when an overhead budget starts holding back a probe its inner
/// schedule wants, so that each postponed probe is counted once (not at every step it waits) and the first of a run can
/// be logged with the cost that caused it.
/// </summary>
/// <remarks>
/// With a budget it asks the inner schedule and the budget itself (what <see cref="OverheadBudgetSchedule.IsDue"/> does),
/// so telling "not due" from "postponed" costs no second evaluation of the inner schedule on the hot path. Training thread only.
/// </remarks>
internal sealed class PostponementWatch(IProbeSchedule schedule)
{
    private readonly OverheadBudgetSchedule? _budget = schedule as OverheadBudgetSchedule;
    private bool _waiting;

    /// <summary>The budget the schedule applies, if any.</summary>
    public OverheadBudgetSchedule? Budget => _budget;

    /// <summary>
    /// Whether a probe is due at <paramref name="step"/>; <paramref name="postponementBegins"/> is true when it is not because
    /// the budget began, at this step, to postpone a probe the inner schedule wants.
    /// </summary>
    public bool IsDue(long step, ScheduleContext context, out bool postponementBegins)
    {
        postponementBegins = false;
        if (_budget is null)
        {
            return schedule.IsDue(step, context);
        }

        if (!_budget.Inner.IsDue(step, context))
        {
            return false;
        }

        if (_budget.WithinBudget(context))
        {
            _waiting = false; // a probe is taken: the next postponement is a new one
            return true;
        }

        postponementBegins = !_waiting;
        _waiting = true;
        return false;
    }
}
