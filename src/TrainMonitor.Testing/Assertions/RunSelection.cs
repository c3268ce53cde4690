using TrainMonitor.Outputs;

namespace TrainMonitor.Testing;

/// <summary>
/// Which snapshots make a run: those given to <see cref="MonitoredRun.FromSnapshots"/> (checked), or the last run of a
/// JSON-lines file (<see cref="MonitoredRun.LoadAsync"/>).
/// </summary>
internal static class RunSelection
{
    /// <summary>
    /// The snapshots carrying the last line's run id, or, in files written before run ids, those after the last place
    /// where the step stops increasing.
    /// </summary>
    public static IReadOnlyList<ProbeSnapshot> LastRun(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        if (snapshots.Count == 0)
        {
            return snapshots;
        }

        var start = snapshots.Count - 1;
        var id = snapshots[^1].RunId;
        while (start > 0 && (id is not null
                   ? snapshots[start - 1].RunId == id
                   : snapshots[start - 1].RunId is null && snapshots[start - 1].Step < snapshots[start].Step))
        {
            start--;
        }

        return snapshots.Skip(start).ToArray();
    }

    /// <summary>The snapshots and failures as arrays, checked as <see cref="MonitoredRun.FromSnapshots"/> documents.</summary>
    /// <exception cref="ArgumentException">A snapshot or failure is null, or the steps do not increase strictly.</exception>
    public static (ProbeSnapshot[] Snapshots, ProbeFailed[] Failures) Checked(IEnumerable<ProbeSnapshot> snapshots, IEnumerable<ProbeFailed>? failures)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var list = snapshots.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"Snapshot {i} is null.", nameof(snapshots));
            }

            if (i > 0 && list[i].Step <= list[i - 1].Step)
            {
                throw new ArgumentException(
                    $"Snapshot steps must increase strictly: step {list[i].Step} follows step {list[i - 1].Step}.", nameof(snapshots));
            }
        }

        var failureList = failures?.ToArray() ?? [];
        if (failureList.Any(f => f is null))
        {
            throw new ArgumentException("A probe failure is null.", nameof(failures));
        }

        return (list, failureList);
    }
}
