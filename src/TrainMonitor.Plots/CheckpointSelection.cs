using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>Which probes an overlay shows: more than a handful of profiles on one plot cannot be told apart.</summary>
internal static class CheckpointSelection
{
    /// <summary>Profiles overlaid on a run's main profile figure; more cannot be told apart.</summary>
    public const int OverlaidProfiles = 6;

    /// <summary>
    /// At most <paramref name="count"/> snapshots, evenly spread over the probe sequence, always the first and the last.
    /// Probe schedules are usually log-spaced in step, so spreading over the sequence spreads over log-step too.
    /// </summary>
    public static IReadOnlyList<ProbeSnapshot> Spread(IReadOnlyList<ProbeSnapshot> snapshots, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (snapshots.Count <= count)
        {
            return snapshots;
        }

        var picked = new SortedSet<int>();
        for (var k = 0; k < count; k++)
        {
            picked.Add((int)Math.Round(k * (snapshots.Count - 1) / (double)(count - 1)));
        }

        return picked.Select(i => snapshots[i]).ToArray();
    }
}
