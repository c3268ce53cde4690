using System.CommandLine;
using Spectre.Console;
using TrainMonitor.Cli.Runs;

namespace TrainMonitor.Cli.Commands;

/// <summary>
/// The <c>--run</c> option the commands share, and loading the run it selects: a file holds every run appended to it,
/// and the commands show one (the last unless told otherwise), saying how many there are and which lines were skipped.
/// </summary>
internal static class RunOption
{
    /// <summary>An option choosing one run of <paramref name="file"/> (<c>--run</c>; compare has one per input).</summary>
    public static Option<string?> Create(string name = "--run", string file = "the file") => new(name)
    {
        Description = $"Which run of {file} to show when it holds several (every rerun appends to it): a number from 1 (the first), " +
            $"a run id or the start of one, or '{RunFile.AllRuns}' for every run together. Default: the last run.",
        HelpName = "N|id|all",
    };

    /// <summary>
    /// Loads <paramref name="path"/>, writes one warning per skipped line and a note on the runs it holds to
    /// <paramref name="console"/>, and returns the run <paramref name="selector"/> names.
    /// </summary>
    public static async Task<RunHistory> LoadAsync(IAnsiConsole console, string path, string? selector, CancellationToken ct)
    {
        var file = await RunFile.LoadAsync(path, ct).ConfigureAwait(false);
        foreach (var warning in file.SkippedLineWarnings())
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        var run = file.Select(selector);
        if (file.Note(run, chosen: selector is not null) is { } note)
        {
            console.MarkupLineInterpolated($"[yellow]note:[/] {note}");
        }

        return run;
    }
}
