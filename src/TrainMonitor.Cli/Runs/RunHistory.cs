using TrainMonitor.Outputs;

namespace TrainMonitor.Cli.Runs;

/// <summary>The probes of one run as read from its JSON-lines file, in step order.</summary>
internal sealed record RunHistory(string Path, string Name, IReadOnlyList<ProbeSnapshot> Snapshots)
{
    /// <summary>The first snapshot (the file is never empty once loaded).</summary>
    public ProbeSnapshot First => Snapshots[0];

    /// <summary>The last snapshot.</summary>
    public ProbeSnapshot Last => Snapshots[^1];

    /// <summary>The run id its lines carry; null for lines written before run ids existed, and for all runs together.</summary>
    public string? RunId { get; init; }

    /// <summary>1-based position of the run in its file; null when this is every run of the file together.</summary>
    public int? Number { get; init; }

    /// <summary>How many runs the file holds (a file is appended to by every rerun).</summary>
    public int RunsInFile { get; init; } = 1;
}
