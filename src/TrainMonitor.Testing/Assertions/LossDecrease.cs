using TrainMonitor.Outputs;
using static TrainMonitor.Testing.AssertionMessageText;

namespace TrainMonitor.Testing;

/// <summary>
/// The decrease assertions of <see cref="MonitoredRun"/> — the error energy and the held-out (probe) loss: one rule for both
/// (the value at the last probe at most 1/factor of the first's) and one failure text, so the two cannot drift apart. Each
/// returns the reason, or null when the requirement holds; kept apart like <see cref="RegimeChecks"/>.
/// </summary>
internal static class LossDecrease
{
    /// <summary>The error energy ‖e‖²/n fell by <paramref name="factor"/> from the first probe to the last.</summary>
    public static string? ErrorEnergy(IReadOnlyList<ProbeSnapshot> snapshots, double factor) =>
        Check(snapshots, factor, "error energy", static s => s.ErrorEnergy, unrecorded: null);

    /// <summary>
    /// The held-out loss on the probe set fell by <paramref name="factor"/>; a run whose first or last probe has none (NaN: a
    /// file written before the key existed) fails, and the message says why rather than only "NaN".
    /// </summary>
    public static string? ProbeLoss(IReadOnlyList<ProbeSnapshot> snapshots, double factor) =>
        Check(snapshots, factor, "held-out (probe) loss", static s => s.ProbeLoss,
            unrecorded: "; it was not recorded at the first or the last probe (files written before schema version 4 have no probe_loss)");

    /// <summary>Fails on anything but a finite factor &gt; 0, before the run is looked at.</summary>
    public static void RequireFactor(double factor)
    {
        if (!(factor > 0) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The required factor must be a finite number greater than 0.");
        }
    }

    /// <summary>Needs at least one snapshot (the caller checked that some probe completed).</summary>
    private static string? Check(IReadOnlyList<ProbeSnapshot> snapshots, double factor, string what, Func<ProbeSnapshot, double> value, string? unrecorded)
    {
        var first = snapshots[0];
        var last = snapshots[^1];
        var (from, to) = (value(first), value(last));
        var achieved = from / to;
        if (snapshots.Count >= 2 && achieved >= factor)
        {
            return null;
        }

        var note = unrecorded is not null && (double.IsNaN(from) || double.IsNaN(to)) ? unrecorded : string.Empty;
        return $"the {what} must fall by a factor of at least {F(factor)}, but it went from {E(from)} at step {first.Step} to " +
               $"{E(to)} at step {last.Step} (factor {F(achieved)}, {snapshots.Count} probes){note}.";
    }
}
