namespace TrainMonitor.Scheduling;

/// <summary>
/// Due at the points first, first·f, first·f², … (f = <see cref="Factor"/>): dense early, when the spectrum changes
/// fastest, and sparse later, evenly spaced in ln t as the frontier and regime analysis want.
/// </summary>
/// <remarks>
/// A point that is not an integer, or that the training loop does not report, is taken at the first reported step at
/// or after it. Several points passed at once (steps skipped, or a probe postponed by a budget) give one probe, and the
/// next point is then the first one after that probe's step.
/// </remarks>
public sealed class LogSpacedSchedule : IProbeSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="firstStep">First point (default 1).</param>
    /// <param name="factor">Ratio between consecutive points (default 2); must exceed 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range (the exception names it).</exception>
    public LogSpacedSchedule(long firstStep = 1, double factor = 2)
    {
        if (firstStep < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(firstStep), firstStep, $"{nameof(firstStep)} must be at least 1.");
        }

        if (!(factor > 1) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"{nameof(factor)} must be a finite number greater than 1.");
        }

        FirstStep = firstStep;
        Factor = factor;
    }

    /// <summary>The first point.</summary>
    public long FirstStep { get; }

    /// <summary>Ratio between consecutive points.</summary>
    public double Factor { get; }

    /// <inheritdoc />
    public bool IsDue(long step, ScheduleContext context) => step >= 1 && step >= NextPointAfter(context.LastProbeStep);

    /// <summary>The smallest point strictly greater than <paramref name="lastProbeStep"/> (the first point when null).</summary>
    public double NextPointAfter(long? lastProbeStep)
    {
        if (lastProbeStep is not { } last || last < FirstStep)
        {
            return FirstStep;
        }

        // first·f^k > last  ⇔  k > ln(last/first)/ln f; the closed form is corrected by at most a step for round-off.
        var k = Math.Max(0, Math.Floor(Math.Log((double)last / FirstStep) / Math.Log(Factor)));
        var point = FirstStep * Math.Pow(Factor, k);
        while (point > last && k > 0)
        {
            var previous = FirstStep * Math.Pow(Factor, k - 1);
            if (previous <= last)
            {
                break;
            }

            k--;
            point = previous;
        }

        while (point <= last)
        {
            k++;
            point = FirstStep * Math.Pow(Factor, k);
        }

        return point;
    }

    /// <inheritdoc />
    public override string ToString() => $"log-spaced from step {FirstStep}, factor {Factor}";
}
