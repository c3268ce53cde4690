namespace TrainMonitor.Scheduling;

/// <summary>Due at the multiples of <see cref="Interval"/> (n, 2n, 3n, …).</summary>
/// <remarks>
/// When the training loop skips steps (reports 7 then 13 with n = 5), the probe happens at the first reported step at
/// or after each missed multiple, once per call however many multiples were passed (13 here, for 10).
/// </remarks>
public sealed class EveryNSteps : IProbeSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is below 1.</exception>
    public EveryNSteps(long interval)
    {
        if (interval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"{nameof(interval)} must be at least 1 step.");
        }

        Interval = interval;
    }

    /// <summary>Steps between probes.</summary>
    public long Interval { get; }

    /// <inheritdoc />
    public bool IsDue(long step, ScheduleContext context)
    {
        if (step < 1)
        {
            return false;
        }

        // A multiple of n lies in (last, step] exactly when floor(step / n) > floor(last / n).
        var last = Math.Max(0, context.LastProbeStep ?? 0);
        return step / Interval > last / Interval;
    }

    /// <inheritdoc />
    public override string ToString() => $"every {Interval} steps";
}
