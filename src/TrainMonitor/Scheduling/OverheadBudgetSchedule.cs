namespace TrainMonitor.Scheduling;

/// <summary>
/// Caps the time spent probing at a fraction of the training time: a probe that <see cref="Inner"/> says is due is
/// postponed while <c>ProbeSeconds + LastProbeSeconds &gt; Fraction × TrainingSeconds</c>, i.e. while taking it now
/// (at the cost of the last probe) would push the cumulative overhead above the budget.
/// </summary>
/// <remarks>
/// <para>
/// The first probe is never postponed (there is no cost estimate yet). A postponed probe is not dropped: the inner
/// schedule stays due (its last probe step does not advance), so the probe is taken at the first step at which the
/// budget allows it. Training time grows with every step, so that step always comes: a probe waits at most until
/// cumulative training time reaches <c>(ProbeSeconds + LastProbeSeconds) / Fraction</c>, i.e. about
/// <c>LastProbeSeconds / Fraction</c> of training after the previous probe's budget was met. Postponement never
/// starves the schedule unless training itself stops advancing. Several inner points passed while postponed give a
/// single probe (see the inner schedule).
/// </para>
/// <para>
/// The monitor's default budget is <see cref="DefaultFraction"/>; the issue "Performance" measures the actual overhead
/// and may revise it.
/// </para>
/// </remarks>
public sealed class OverheadBudgetSchedule : IProbeSchedule
{
    /// <summary>Default budget: probes may take 5% of the training time.</summary>
    public const double DefaultFraction = 0.05;

    /// <summary>Wraps <paramref name="inner"/> with a budget of <paramref name="fraction"/> of the training time.</summary>
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

    /// <inheritdoc />
    public bool IsDue(long step, ScheduleContext context) => Inner.IsDue(step, context) && WithinBudget(context);

    /// <summary>Whether a probe costing the last probe's duration would stay within the budget now.</summary>
    public bool WithinBudget(ScheduleContext context) =>
        context.LastProbeSeconds is not { } expected || context.ProbeSeconds + expected <= Fraction * context.TrainingSeconds;

    /// <inheritdoc />
    public override string ToString() => $"{Inner}, within {Fraction:P1} of training time";
}
