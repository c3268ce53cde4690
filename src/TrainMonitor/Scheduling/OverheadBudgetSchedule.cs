namespace TrainMonitor.Scheduling;

/// <summary>
/// Caps the time spent probing at a fraction of the training time: a probe that <see cref="Inner"/> says is due is
/// postponed while <c>ProbeSeconds + ExpectedProbeSeconds &gt; Fraction × max(TrainingSeconds, HorizonSteps × MeanStepSeconds)</c>,
/// i.e. while taking it now (at the larger of the last probe's cost and the mean) would push the overhead above the budget, measured over the
/// training so far or over <see cref="HorizonSteps"/> steps, whichever is longer.
/// </summary>
/// <remarks>
/// <para>
/// The first probe is never postponed (there is no cost estimate yet). A postponed probe is not dropped: the inner
/// schedule stays due (its last probe step does not advance), so the probe is taken at the first step at which the
/// budget allows it. Training time grows with every step, so that step always comes: a probe waits at most until
/// cumulative training time reaches <c>(ProbeSeconds + ExpectedProbeSeconds) / Fraction</c>, i.e. about
/// <c>ExpectedProbeSeconds / Fraction</c> of training after the previous probe's budget was met. Postponement never
/// starves the schedule unless training itself stops advancing. Several inner points passed while postponed give a
/// single probe (see the inner schedule).
/// </para>
/// <para>
/// Why a horizon: measured against the training so far, a budget forbids the dense early probes a log-spaced schedule
/// asks for (at step 8, 5 % of the training time is less than half a step), so the points 2, 4, … 64 collapsed into one
/// probe and a 1000-step run got 1–2 probes (docs/engine.md "Schedule and budget"). Measured over at least
/// <see cref="HorizonSteps"/> steps (default <see cref="DefaultHorizonSteps"/>), the early probes spend the budget of a run
/// of that length: a run of that length or longer stays within <see cref="Fraction"/>; a shorter run may exceed it, by at
/// most a factor horizon ÷ its length.
/// </para>
/// </remarks>
public sealed class OverheadBudgetSchedule : IProbeSchedule
{
    /// <summary>Default budget: probes may take 5% of the training time.</summary>
    public const double DefaultFraction = 0.05;

    /// <summary>Default horizon: the budget is a share of at least 1000 steps' training time.</summary>
    public const long DefaultHorizonSteps = 1000;

    /// <summary>
    /// Wraps <paramref name="inner"/> with a budget of <paramref name="fraction"/> of the training time (measured over the
    /// training so far unless <see cref="HorizonSteps"/> is set).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> does not lie in (0, 1).</exception>
    public OverheadBudgetSchedule(IProbeSchedule inner, double fraction = DefaultFraction)
    {
        ArgumentNullException.ThrowIfNull(inner);
        // A share of 1 or more of the training time caps nothing; it is a percentage misread as a fraction.
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"{nameof(fraction)} must lie in (0, 1).");
        }

        Inner = inner;
        Fraction = fraction;
    }

    /// <summary>The schedule whose due probes are budgeted.</summary>
    public IProbeSchedule Inner { get; }

    /// <summary>Largest share of the training time probes may take.</summary>
    public double Fraction { get; }

    /// <summary>Fewest training steps the budget is measured over (default 0: the training so far; not negative).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public long HorizonSteps
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(HorizonSteps));
            field = value;
        }
    }

    /// <summary>
    /// Probes' worth of the budget kept back (default 0; not negative): a probe is taken only if the budget still holds
    /// this many more at the expected cost (<see cref="ScheduleContext.ExpectedProbeSeconds"/>). The monitor keeps one for its final probe (<see cref="ScheduleOptions.FinalProbe"/>),
    /// which is taken whatever the budget says, so that it does not push a run that spent its budget over it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int ReservedProbes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(ReservedProbes));
            field = value;
        }
    }

    /// <inheritdoc />
    public bool IsDue(long step, ScheduleContext context) => Inner.IsDue(step, context) && WithinBudget(context);

    /// <summary>Whether a probe of the expected cost (<see cref="ScheduleContext.ExpectedProbeSeconds"/>) would stay within the budget now.</summary>
    public bool WithinBudget(ScheduleContext context) =>
        context.ExpectedProbeSeconds is not { } expected || context.ProbeSeconds + ((1 + ReservedProbes) * expected) <= Fraction * BudgetedSeconds(context);

    /// <summary>The training time the budget is a share of: the training so far, or <see cref="HorizonSteps"/> mean steps if longer.</summary>
    public double BudgetedSeconds(ScheduleContext context) =>
        HorizonSteps > 0 && context.MeanStepSeconds is { } step ? Math.Max(context.TrainingSeconds, HorizonSteps * step) : context.TrainingSeconds;

    /// <inheritdoc />
    public override string ToString() => HorizonSteps > 0
        ? $"{Inner}, within {Fraction:P1} of training time (over at least {HorizonSteps} steps)"
        : $"{Inner}, within {Fraction:P1} of training time";
}
