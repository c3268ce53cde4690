using TrainMonitor.Monitoring;
using TrainMonitor.Monitoring.JsonLines;

namespace TrainMonitor.Cli.Runs;

/// <summary>The probes of one run as read from its JSON-lines file, in step order.</summary>
internal sealed record RunHistory(string Path, string Name, IReadOnlyList<ProbeSnapshot> Snapshots)
{
    /// <summary>The first snapshot (the file is never empty once loaded).</summary>
    public ProbeSnapshot First => Snapshots[0];

    /// <summary>The last snapshot.</summary>
    public ProbeSnapshot Last => Snapshots[^1];

    /// <summary>
    /// Reads <paramref name="path"/> and orders the probes by step. Every way the file can be unusable becomes a
    /// <see cref="RunInputException"/> whose message names the file, so the commands can print one clear line.
    /// </summary>
    public static async Task<RunHistory> LoadAsync(string path, CancellationToken ct)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new RunInputException($"{path} is a directory; give the run's .jsonl file (for example {System.IO.Path.Combine(path, "<run>.jsonl")}).");
        }

        if (!File.Exists(fullPath))
        {
            throw new RunInputException($"{path}: no such file. Give the JSON-lines file a run wrote (JsonLinesSink or AddJsonLines()).");
        }

        IReadOnlyList<ProbeSnapshot> snapshots;
        try
        {
            snapshots = await JsonLinesReader.ReadAllAsync(fullPath, ct).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new RunInputException($"{ex.Message} (is this a TrainMonitor JSON-lines file?)", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new RunInputException(ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new RunInputException($"{path}: cannot be read ({ex.Message}).", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunInputException($"{path}: cannot be read ({ex.Message}).", ex);
        }

        if (snapshots.Count == 0)
        {
            throw new RunInputException($"{path} holds no probe yet: nothing to report.");
        }

        // A resumed run appends to the same file, so file order is usually step order; sorting makes sure, and the
        // probe index keeps repeated steps in the order they were taken.
        var ordered = snapshots.OrderBy(s => s.Step).ThenBy(s => s.ProbeIndex).ToArray();
        var names = ordered.Select(s => s.Run).Distinct(StringComparer.Ordinal).ToArray();
        return new RunHistory(fullPath, string.Join(" + ", names), ordered);
    }
}
