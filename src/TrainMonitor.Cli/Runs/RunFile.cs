using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;

namespace TrainMonitor.Cli.Runs;

/// <summary>
/// A JSON-lines file split into the runs it holds: the sink appends, so every rerun continues the same file, and mixing
/// them would show one run with each step listed once per rerun. Also the torn lines the reader skipped.
/// </summary>
internal sealed record RunFile(string Path, IReadOnlyList<RunHistory> Runs, IReadOnlyList<SkippedLine> SkippedLines)
{
    /// <summary>The value of <c>--run</c> that selects every run of the file together.</summary>
    public const string AllRuns = "all";

    /// <summary>
    /// Reads <paramref name="path"/> and splits it into runs (docs/snapshot-schema.md, "Runs in one file"). Every way the
    /// file can be unusable becomes a <see cref="RunInputException"/> whose message names the file, so the commands can
    /// print one clear line.
    /// </summary>
    public static async Task<RunFile> LoadAsync(string path, CancellationToken ct)
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

        JsonLinesReadResult read;
        try
        {
            read = await JsonLinesReader.ReadFileAsync(fullPath, ct).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new RunInputException($"{ex.Message} (is this a TrainMonitor JSON-lines file?)", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new RunInputException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunInputException($"{path}: cannot be read ({ex.Message}).", ex);
        }

        if (read.Snapshots.Count == 0)
        {
            throw new RunInputException($"{path} holds no probe yet: nothing to report.");
        }

        var groups = Split(read.Snapshots);
        var runs = groups.Select((group, i) => History(fullPath, group) with { RunId = group[0].RunId, Number = i + 1, RunsInFile = groups.Count }).ToArray();
        return new RunFile(fullPath, runs, read.SkippedLines);
    }

    /// <summary>
    /// The run <paramref name="selector"/> names: null for the last, a 1-based number, a run id or a unique prefix of one,
    /// or <see cref="AllRuns"/> for every run together (what the file held before runs were told apart).
    /// </summary>
    public RunHistory Select(string? selector)
    {
        if (selector is null)
        {
            return Runs[^1];
        }

        var text = selector.Trim();
        if (string.Equals(text, AllRuns, StringComparison.OrdinalIgnoreCase))
        {
            var all = History(Path, Runs.SelectMany(r => r.Snapshots).ToArray());
            return all with { RunsInFile = Runs.Count, RunId = Runs.Count == 1 ? Runs[0].RunId : null, Number = Runs.Count == 1 ? 1 : null };
        }

        var isNumber = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
        if (isNumber && number >= 1 && number <= Runs.Count)
        {
            return Runs[number - 1];
        }

        // A run id is a GUID whose first digits are a timestamp, so a short prefix of it is enough to name a run.
        var matches = Runs.Where(r => r.RunId is { } id && id.StartsWith(text, StringComparison.OrdinalIgnoreCase)).ToArray();
        return matches switch
        {
            [var only] => only,
            [] when isNumber => throw new RunInputException(
                $"{FileName}: --run {text}, but the file holds {RunCount(Runs.Count)} (give 1–{Runs.Count}, a run id, or {AllRuns})."),
            [] => throw new RunInputException($"{FileName}: no run with id '{text}'; the file holds {Listing()}."),
            _ => throw new RunInputException(
                $"{FileName}: '{text}' is the start of {matches.Length} run ids ({string.Join(", ", matches.Select(m => m.RunId))}); give more of it."),
        };
    }

    /// <summary>
    /// What a reader should know about <paramref name="shown"/> besides the table: how many runs the file holds and which
    /// one is shown (nothing when it holds one).
    /// </summary>
    public string? Note(RunHistory shown, bool chosen)
    {
        if (Runs.Count == 1)
        {
            return null;
        }

        var which = shown.Number switch
        {
            null => $"all of them together ({shown.Snapshots.Count} probes)",
            var n when n == Runs.Count && !chosen => $"the last ({Describe(shown)})",
            var n => $"run {n} ({Describe(shown)})",
        };
        var hint = chosen ? string.Empty : "; use --run N or --run <id>";
        return $"{FileName} holds {RunCount(Runs.Count)}; showing {which}{hint}";
    }

    /// <summary>One warning line per torn line the reader skipped: <c>run.jsonl, line 57: torn write (…), skipped</c>.</summary>
    public IEnumerable<string> SkippedLineWarnings() => SkippedLines.Select(line => $"{FileName}, {line}");

    private string FileName => System.IO.Path.GetFileName(Path);

    private string Listing() =>
        $"{RunCount(Runs.Count)}: " + string.Join("; ", Runs.Select(r => $"{r.Number} ({Describe(r)})"));

    private static string Describe(RunHistory run) =>
        (run.RunId is { } id ? $"run id {id}" : "no run id recorded") + $", {run.Snapshots.Count} probes";

    private static string RunCount(int count) => count == 1 ? "1 run" : $"{count} runs";

    /// <summary>
    /// The runs of a file in file order (one writer per file at a time, so a run's lines are contiguous). A run starts
    /// where the run name or the run id changes; lines written before run ids existed start a new run where the run
    /// starts over: the probe index back to 1 or not increasing, or the step not increasing.
    /// </summary>
    private static List<ProbeSnapshot[]> Split(IReadOnlyList<ProbeSnapshot> fileOrder)
    {
        var runs = new List<ProbeSnapshot[]>();
        var current = new List<ProbeSnapshot>();
        foreach (var snapshot in fileOrder)
        {
            if (current is [.., var previous] && StartsNewRun(previous, snapshot))
            {
                runs.Add([.. current]);
                current.Clear();
            }

            current.Add(snapshot);
        }

        runs.Add([.. current]);
        return runs;
    }

    private static bool StartsNewRun(ProbeSnapshot previous, ProbeSnapshot next)
    {
        if (!string.Equals(previous.Run, next.Run, StringComparison.Ordinal))
        {
            return true;
        }

        if (previous.RunId is not null || next.RunId is not null)
        {
            return !string.Equals(previous.RunId, next.RunId, StringComparison.Ordinal);
        }

        // Probe indexes and steps rise within a run; a rerun starts again at probe 1 (and usually at its first step).
        return next.ProbeIndex <= previous.ProbeIndex || next.Step <= previous.Step;
    }

    /// <summary>The probes in step order, the probe index keeping repeated steps in the order they were taken.</summary>
    private static RunHistory History(string path, IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var ordered = snapshots.OrderBy(s => s.Step).ThenBy(s => s.ProbeIndex).ToArray();
        var names = ordered.Select(s => s.Run).Distinct(StringComparer.Ordinal).ToArray();
        return new RunHistory(path, string.Join(" + ", names), ordered);
    }
}
