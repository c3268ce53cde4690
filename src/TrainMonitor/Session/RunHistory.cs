using System.Collections.Immutable;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Session;

/// <summary>
/// What a session remembers of its completed probes: their snapshots (all of them, or the latest
/// <see cref="MonitorOptions.HistoryLimit"/>), the regime at the last one, and the last probe-method fallback reason
/// logged, so a run that falls back at every probe says so once.
/// </summary>
/// <remarks>
/// Not thread-safe on its own: it lives inside <see cref="RunLedger"/>, whose lock guards it. <see cref="Snapshots"/> is
/// immutable, so a copy handed out stays valid.
/// </remarks>
internal sealed class RunHistory(int limit)
{
    private string? _lastFallbackReason;

    public ImmutableList<ProbeSnapshot> Snapshots { get; private set; } = [];

    public TrainingRegime Regime { get; private set; } = TrainingRegime.WarmingUp;

    /// <summary>Appends <paramref name="snapshot"/> and moves the regime to the one it assessed.</summary>
    public RecordedProbe Append(ProbeSnapshot snapshot)
    {
        Snapshots = Snapshots.Count < limit ? Snapshots.Add(snapshot) : Snapshots.RemoveAt(0).Add(snapshot);
        var previous = Regime;
        Regime = snapshot.Assessment.Regime;

        // Said once per reason, not at every probe: a model Gram does not fit falls back at every probe.
        string? newFallbackReason = null;
        if (snapshot.ProbeFallbackReason is { } fallback && fallback != _lastFallbackReason)
        {
            _lastFallbackReason = fallback;
            newFallbackReason = fallback;
        }

        return new RecordedProbe(snapshot, previous, newFallbackReason);
    }
}
