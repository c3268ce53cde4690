using TrainMonitor.Outputs;
using static TrainMonitor.Testing.AssertionMessageText;

namespace TrainMonitor.Testing;

/// <summary>
/// The transport-fraction assertions of <see cref="MonitoredRun"/>: which probe intervals count (those ending at step ≥
/// fromStep whose energy budget has a finite fraction), the median over them, and the failure reasons, null when the
/// requirement holds.
/// </summary>
internal static class TransportFractions
{
    /// <summary>Why a run may have no budget, for the failure message.</summary>
    public const string NoBudgetCause = "no learning rate passed to OnStep (StepReport.LearningRate), or a file written before the energy budget existed";

    /// <summary>Median transport fraction over the intervals that count; NaN when none does.</summary>
    public static double Median(IReadOnlyList<ProbeSnapshot> snapshots, long fromStep)
    {
        var fractions = Intervals(snapshots, fromStep).Select(s => s.Transport!.TransportFraction).Order().ToArray();
        return fractions.Length == 0 ? double.NaN : MedianOf(fractions);
    }

    /// <summary>Every interval's fraction (certified: its upper bound) must be at most <paramref name="max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is not a finite number.</exception>
    public static string? AtMost(IReadOnlyList<ProbeSnapshot> snapshots, double max, long fromStep, bool certified)
    {
        ThrowIfNotFinite(max, nameof(max));
        var requirement = $"the transport fraction must be at most {F(max)}{(certified ? " (certified upper bound)" : string.Empty)} " +
                          $"on every probe interval{FromStepText(fromStep)}";
        var intervals = Intervals(snapshots, fromStep);
        if (intervals.Length == 0)
        {
            return NoBudget(requirement, snapshots, fromStep);
        }

        double Judged(ProbeSnapshot s) => certified ? s.Transport!.TransportFractionUpper : s.Transport!.TransportFraction;
        var above = intervals.Where(s => !(Judged(s) <= max)).ToArray();
        if (above.Length == 0)
        {
            return null;
        }

        var worst = above.MaxBy(s => double.IsNaN(Judged(s)) ? double.PositiveInfinity : Judged(s))!;
        return $"{requirement}, but it was above at {above.Length} of {intervals.Length} interval(s) (steps " +
               $"{string.Join(", ", above.Select(s => s.Step))}); the largest: {Interval(worst)} (the frozen kernel does not explain the run).";
    }

    /// <summary>The median fraction (certified: the median of the lower bounds) must be at least <paramref name="min"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is not a finite number.</exception>
    public static string? MedianAtLeast(IReadOnlyList<ProbeSnapshot> snapshots, double min, long fromStep, bool certified)
    {
        ThrowIfNotFinite(min, nameof(min));
        var requirement = $"the median transport fraction{(certified ? " (of the certified lower bounds)" : string.Empty)} over the probe " +
                          $"intervals{FromStepText(fromStep)} must be at least {F(min)}";
        var intervals = Intervals(snapshots, fromStep);
        if (intervals.Length == 0)
        {
            return NoBudget(requirement, snapshots, fromStep);
        }

        var median = MedianOf(intervals.Select(s => certified ? s.Transport!.TransportFractionLower : s.Transport!.TransportFraction).Order().ToArray());
        if (median >= min)
        {
            return null;
        }

        var largest = intervals.MaxBy(s => s.Transport!.TransportFraction)!;
        return $"{requirement}, but it was {F(median)} over {intervals.Length} interval(s) (steps {intervals[0].Step}–{intervals[^1].Step}; " +
               $"the largest: {Interval(largest)}): the frozen kernel explains most of the run.";
    }

    /// <summary>The probes ending an interval at step ≥ <paramref name="fromStep"/> whose budget has a finite fraction.</summary>
    private static ProbeSnapshot[] Intervals(IReadOnlyList<ProbeSnapshot> snapshots, long fromStep) =>
        snapshots.Where(s => s.Step >= fromStep && s.Transport is { } t && double.IsFinite(t.TransportFraction)).ToArray();

    /// <summary>"0.25 [0.1, 0.4] over steps 100–200 (kernel velocity 0.003)".</summary>
    private static string Interval(ProbeSnapshot s) =>
        $"{F(s.Transport!.TransportFraction)} [{F(s.Transport.TransportFractionLower)}, {F(s.Transport.TransportFractionUpper)}] " +
        $"over steps {s.Transport.FromStep}–{s.Transport.ToStep} (kernel velocity {E(s.Assessment.KernelVelocity)})";

    private static string NoBudget(string requirement, IReadOnlyList<ProbeSnapshot> snapshots, long fromStep)
    {
        var budgets = snapshots.Count(s => s.Transport is not null);
        var which = budgets == 0 ? "no probe has an energy budget" : $"no probe interval{FromStepText(fromStep)} has an energy budget with a transport fraction ({budgets} budget(s) in all)";
        return $"{requirement}, but {which} among {snapshots.Count} probes ({NoBudgetCause}; the first probe never has one).";
    }

    private static double MedianOf(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static void ThrowIfNotFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "The required transport fraction must be a finite number.");
        }
    }
}
