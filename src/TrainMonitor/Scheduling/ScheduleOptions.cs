namespace TrainMonitor.Scheduling;

/// <summary>
/// When the monitor probes, as plain settable properties (bindable from configuration). The default is log-spaced
/// probes at steps 1, 2, 4, 8, … within an overhead budget of 5% of the training time.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>Schedule kind (default <see cref="ScheduleKind.LogSpaced"/>).</summary>
    public ScheduleKind Kind { get; set; } = ScheduleKind.LogSpaced;

    /// <summary>Steps between probes for <see cref="ScheduleKind.EveryNSteps"/> (default 100; at least 1).</summary>
    public long ProbeInterval { get; set; } = 100;

    /// <summary>First probe step for <see cref="ScheduleKind.LogSpaced"/> (default 1; at least 1).</summary>
    public long FirstProbeStep { get; set; } = 1;

    /// <summary>Ratio between consecutive probe steps for <see cref="ScheduleKind.LogSpaced"/> (default 2; greater than 1).</summary>
    public double LogSpacingFactor { get; set; } = 2;

    /// <summary>
    /// Largest share of training time probes may take (default <see cref="OverheadBudgetSchedule.DefaultFraction"/> = 0.05;
    /// a fraction in [0, 1): 0 disables the budget, and a share of 1 or more would cap nothing a run can reach, so it is
    /// rejected as a misreading, e.g. 5 meant as 5 %). A due probe beyond the budget is postponed, not dropped (see <see cref="OverheadBudgetSchedule"/>).
    /// The default is a first choice; the issue "Performance" measures the overhead it gives.
    /// </summary>
    public double OverheadBudget { get; set; } = OverheadBudgetSchedule.DefaultFraction;

    /// <summary>
    /// Fewest training steps the overhead budget is measured over (default <see cref="OverheadBudgetSchedule.DefaultHorizonSteps"/>
    /// = 1000; at least 0, 0 measures it over the training so far): the early probes of a log-spaced schedule may spend the
    /// budget of a run this long, so a run of at least this many steps stays within <see cref="OverheadBudget"/> and a shorter
    /// one may exceed it by at most horizon ÷ its length. See <see cref="OverheadBudgetSchedule"/>.
    /// </summary>
    public long BudgetHorizonSteps { get; set; } = OverheadBudgetSchedule.DefaultHorizonSteps;

    /// <summary>
    /// Whether the monitor probes once more when it is disposed or stopped, at the last step the loop reported, unless a
    /// probe was already taken at that step (default true): the end of a run is the state a user most wants to see, and no
    /// schedule knows where the run ends. Any value is valid.
    /// </summary>
    public bool FinalProbe { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting (as <c>Schedule.Name</c>).</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(Kind)}", Kind, $"Schedule.{nameof(Kind)} is not a known schedule kind.");
        }

        if (ProbeInterval < 1)
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(ProbeInterval)}", ProbeInterval, $"Schedule.{nameof(ProbeInterval)} must be at least 1 step.");
        }

        if (FirstProbeStep < 1)
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(FirstProbeStep)}", FirstProbeStep, $"Schedule.{nameof(FirstProbeStep)} must be at least 1.");
        }

        if (!(LogSpacingFactor > 1) || !double.IsFinite(LogSpacingFactor))
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(LogSpacingFactor)}", LogSpacingFactor, $"Schedule.{nameof(LogSpacingFactor)} must be a finite number greater than 1.");
        }

        if (BudgetHorizonSteps < 0)
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(BudgetHorizonSteps)}", BudgetHorizonSteps,
                $"Schedule.{nameof(BudgetHorizonSteps)} must be at least 0 steps (0 measures the overhead budget over the training so far).");
        }

        if (!(OverheadBudget >= 0 && OverheadBudget < 1))
        {
            throw new ArgumentOutOfRangeException($"Schedule.{nameof(OverheadBudget)}", OverheadBudget,
                $"Schedule.{nameof(OverheadBudget)} is a fraction of the training time and must lie in [0, 1) (0 disables the budget, 0.05 is 5 %).");
        }
    }

    /// <summary>A copy (every setting is a value).</summary>
    internal ScheduleOptions Copy() => (ScheduleOptions)MemberwiseClone();

    /// <summary>Validates and builds the schedule these settings describe.</summary>
    public IProbeSchedule Build()
    {
        Validate();
        IProbeSchedule schedule = Kind == ScheduleKind.EveryNSteps
            ? new EveryNSteps(ProbeInterval)
            : new LogSpacedSchedule(FirstProbeStep, LogSpacingFactor);
        return OverheadBudget > 0 ? new OverheadBudgetSchedule(schedule, OverheadBudget) { HorizonSteps = BudgetHorizonSteps, ReservedProbes = FinalProbe ? 1 : 0 } : schedule;
    }
}
