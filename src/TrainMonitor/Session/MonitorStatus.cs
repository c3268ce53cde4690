namespace TrainMonitor.Session;

/// <summary>
/// Live counters of a monitor, read at any time from any thread (for example by a metrics scrape). Immutable
/// value: each read returns a consistent copy.
/// </summary>
public sealed record MonitorStatus
{
    /// <summary>Name of the run.</summary>
    public required string Run { get; init; }

    /// <summary>
    /// The monitor session's run id (<see cref="Outputs.ProbeSnapshot.RunId"/>): new each time a monitor is attached, so two
    /// runs of one name (a rerun, two monitors in one process) stay apart. Null when not known (a status built by hand).
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Last optimiser step reported by the training loop.</summary>
    public long TrainingStep { get; init; }

    /// <summary>Probes completed.</summary>
    public long ProbesTotal { get; init; }

    /// <summary>Probes that failed.</summary>
    public long ProbeFailuresTotal { get; init; }

    /// <summary>Probes due but skipped.</summary>
    public long ProbesSkippedTotal { get; init; }

    /// <summary>
    /// Probes the overhead budget postponed (each counted once, however many steps it waited): a postponed probe is not
    /// lost, it runs at the first step the budget allows; the first postponement of a run is logged with its cost.
    /// </summary>
    public long ProbesPostponedTotal { get; init; }

    /// <summary>Operator products computed over all probes.</summary>
    public long OperatorApplicationsTotal { get; init; }

    /// <summary>Probe wall time over training wall time so far (NaN before the first step is timed).</summary>
    public double OverheadRatio { get; init; } = double.NaN;

    /// <summary>Whether probing is enabled.</summary>
    public bool Enabled { get; init; } = true;
}
