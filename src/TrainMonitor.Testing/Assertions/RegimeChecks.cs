using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using static TrainMonitor.Testing.AssertionMessageText;

namespace TrainMonitor.Testing;

/// <summary>
/// The regime assertions of <see cref="MonitoredRun"/>: which probes count (step ≥ fromStep) and the failure reasons,
/// null when the requirement holds. Kept apart so the run's type stays a list of assertions, as with
/// <see cref="TransportFractions"/>.
/// </summary>
internal static class RegimeChecks
{
    /// <summary>No probe at step ≥ <paramref name="fromStep"/> reported <paramref name="regime"/>: the steps that did and the tracker's reason at the first.</summary>
    public static string? Never(IReadOnlyList<ProbeSnapshot> snapshots, TrainingRegime regime, long fromStep)
    {
        var hits = snapshots.Where(s => s.Step >= fromStep && s.Assessment.Regime == regime).ToArray();
        return hits.Length == 0
            ? null
            : $"the run must not be {regime.ToWireName()}{FromStepText(fromStep)}, but it was at {hits.Length} probe(s), steps " +
              $"{string.Join(", ", hits.Select(s => s.Step))}; at step {hits[0].Step}: {hits[0].Assessment.Reason}.";
    }

    /// <summary>
    /// No probe at step ≥ <paramref name="fromStep"/> in a state <see cref="TrainingRegimeNames.IsAlert"/> names: every probe
    /// that was, one line each with its step, regime and the tracker's reason, after a count per state.
    /// </summary>
    public static string? NoAlerts(IReadOnlyList<ProbeSnapshot> snapshots, long fromStep)
    {
        var judged = snapshots.Where(s => s.Step >= fromStep).ToArray();
        var alerts = judged.Where(s => s.Assessment.Regime.IsAlert()).ToArray();
        if (alerts.Length == 0)
        {
            return null;
        }

        // "1 unstable, 2 lazy_stagnant": how many probes were in each state, in enum order.
        var counts = alerts.GroupBy(s => s.Assessment.Regime).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToWireName()}");
        var lines = alerts.Select(s => $"\n  step {s.Step}: {s.Assessment.Regime.ToWireName()} — {s.Assessment.Reason}");
        return $"the run must raise no alert{FromStepText(fromStep)}, but {alerts.Length} of {judged.Length} probe(s) were in an alert " +
               $"state ({string.Join(", ", counts)}):{string.Concat(lines)}";
    }
}
