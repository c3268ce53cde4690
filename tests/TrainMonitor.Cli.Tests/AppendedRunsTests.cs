using System.Text;
namespace TrainMonitor.Cli.Tests;

/// <summary>
/// A JSON-lines file is appended to by every rerun: the commands show one run of it (the last by default), say how many
/// it holds, and warn about the torn lines they skipped.
/// </summary>
public sealed class AppendedRunsTests
{
    private const string IdA = "0195aaaa-0000-7000-8000-000000000001";
    private const string IdB = "0195bbbb-0000-7000-8000-000000000002";
    private const string IdC = "0195cccc-0000-7000-8000-000000000003";

    /// <summary>Three reruns of the same run name appended to one file: 4, 6 and 5 probes, each starting again at step 10.</summary>
    private static async Task<string> ThreeRunsAsync(TemporaryDirectory dir, bool withRunIds = true)
    {
        var path = dir.File("runs.jsonl");
        foreach (var (id, probes) in new[] { (IdA, 4), (IdB, 6), (IdC, 5) })
        {
            await SyntheticRun.WriteAsync(path, probes: probes, edit: s => s with { RunId = withRunIds ? id : null });
        }

        return path;
    }

    /// <summary>Runs <paramref name="command"/> on <see cref="ThreeRunsAsync"/>'s file with <paramref name="options"/>, expecting success.</summary>
    private static async Task<CliRunner.Result> SucceedOnThreeRunsAsync(TemporaryDirectory dir, string command, params string[] options)
    {
        var result = await CliRunner.RunAsync([command, await ThreeRunsAsync(dir), .. options]);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        return result;
    }

    [Fact]
    public async Task Summary_shows_the_last_run_of_an_appended_file_and_says_how_many_runs_it_holds()
    {
        using var dir = new TemporaryDirectory();
        var result = await SucceedOnThreeRunsAsync(dir, "summary");

        Assert.Contains($"note: runs.jsonl holds 3 runs; showing the last (run id {IdC}, 5 probes); use --run N or --run <id>\n", result.Output);
        Assert.Equal(["1", "2", "3", "4", "5"], SummaryCommandTests.Rows(result.Output).Select(r => r[0]));
        Assert.Contains("synthetic  5 probes, steps 10–66", result.Output);
    }

    [Fact]
    public async Task Run_1_shows_the_first_run()
    {
        using var dir = new TemporaryDirectory();
        var result = await SucceedOnThreeRunsAsync(dir, "summary", "--run", "1");

        Assert.Contains($"note: runs.jsonl holds 3 runs; showing run 1 (run id {IdA}, 4 probes)\n", result.Output);
        Assert.Equal(["1", "2", "3", "4"], SummaryCommandTests.Rows(result.Output).Select(r => r[0]));
    }

    [Theory]
    [InlineData(IdB)]
    [InlineData("0195BBBB")] // a unique start of the id is enough, in either case
    public async Task Run_with_an_id_shows_that_run(string selector)
    {
        using var dir = new TemporaryDirectory();
        var result = await SucceedOnThreeRunsAsync(dir, "summary", "--run", selector);

        Assert.Contains($"note: runs.jsonl holds 3 runs; showing run 2 (run id {IdB}, 6 probes)\n", result.Output);
        Assert.Equal(6, SummaryCommandTests.Rows(result.Output).Length);
    }

    [Fact]
    public async Task Run_all_shows_every_run_together()
    {
        using var dir = new TemporaryDirectory();
        var result = await SucceedOnThreeRunsAsync(dir, "summary", "--run", "all");

        Assert.Contains("note: runs.jsonl holds 3 runs; showing all of them together (15 probes)\n", result.Output);
        Assert.Equal(15, SummaryCommandTests.Rows(result.Output).Length);
    }

    [Theory]
    [InlineData("4", "runs.jsonl: --run 4, but the file holds 3 runs (give 1–3, a run id, or all).")]
    [InlineData("0195", "runs.jsonl: '0195' is the start of 3 run ids (" + IdA + ", " + IdB + ", " + IdC + "); give more of it.")]
    [InlineData("deadbeef", "runs.jsonl: no run with id 'deadbeef'; the file holds 3 runs: 1 (run id " + IdA + ", 4 probes); 2 (run id " + IdB +
        ", 6 probes); 3 (run id " + IdC + ", 5 probes).")]
    public async Task A_run_the_file_does_not_hold_is_an_input_error_that_lists_the_runs(string selector, string message)
    {
        using var dir = new TemporaryDirectory();
        var path = await ThreeRunsAsync(dir);

        var result = await CliRunner.RunAsync("summary", path, "--run", selector);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"trainmonitor: error: {message}\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_file_without_run_ids_is_split_where_the_probe_index_or_the_step_starts_over()
    {
        using var dir = new TemporaryDirectory();
        var path = await ThreeRunsAsync(dir, withRunIds: false);
        // A fourth rerun that resumes at later steps: only its probe index starts over.
        await SyntheticRun.WriteAsync(path, probes: 3, edit: s => s with { Step = s.Step + 1000 });
        Assert.DoesNotContain(IdA, await File.ReadAllTextAsync(path));

        var last = await CliRunner.RunAsync("summary", path);
        var second = await CliRunner.RunAsync("summary", path, "--run", "2");

        Assert.True(last.ExitCode == 0, last.Error + last.Output);
        Assert.Contains("note: runs.jsonl holds 4 runs; showing the last (no run id recorded, 3 probes); use --run N or --run <id>\n", last.Output);
        Assert.Contains("synthetic  3 probes, steps 1,010–1,026", last.Output);
        Assert.Contains("note: runs.jsonl holds 4 runs; showing run 2 (no run id recorded, 6 probes)\n", second.Output);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], SummaryCommandTests.Rows(second.Output).Select(r => r[0]));
    }

    [Fact]
    public async Task A_file_with_one_run_says_nothing_about_runs()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("one.jsonl"), probes: 3, edit: s => s with { RunId = IdA });

        var result = await CliRunner.RunAsync("summary", dir.File("one.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.DoesNotContain("note:", result.Output);
        Assert.DoesNotContain("warning:", result.Output);
    }

    [Fact]
    public async Task Torn_lines_are_reported_with_their_line_numbers()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("torn.jsonl");
        await SyntheticRun.WriteAsync(path, probes: 4, edit: s => s with { RunId = IdA }); // lines 1–4
        var torn = (await File.ReadAllLinesAsync(path))[1][..120];
        await File.AppendAllTextAsync(path, torn, new UTF8Encoding(false)); // line 5: a crash mid-write
        await SyntheticRun.WriteAsync(path, probes: 6, edit: s => s with { RunId = IdB }); // the sink ends line 5; lines 6–11
        await File.AppendAllTextAsync(path, torn, new UTF8Encoding(false)); // line 12: the write a second crash cut short

        var result = await CliRunner.RunAsync("summary", path);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var warnings = result.Output.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
        [
            "warning: torn.jsonl, line 5: torn write (unfinished JSON object), skipped",
            "warning: torn.jsonl, line 12: torn write (unfinished last line, no newline), skipped",
        ], warnings);
        Assert.Contains($"note: torn.jsonl holds 2 runs; showing the last (run id {IdB}, 6 probes)", result.Output);
        Assert.Equal(6, SummaryCommandTests.Rows(result.Output).Length);
    }

    [Fact]
    public async Task Report_of_a_chosen_run_goes_to_a_directory_of_its_own_and_names_the_run()
    {
        using var dir = new TemporaryDirectory();
        var result = await SucceedOnThreeRunsAsync(dir, "report", "--run", "1");

        Assert.Contains($"note: runs.jsonl holds 3 runs; showing run 1 (run id {IdA}, 4 probes)\n", result.Output);
        Assert.Equal(4, Directory.GetFiles(dir.File("runs-report-run-1/profiles"), "*.png").Length);
        Assert.Contains($"1 of 3 in the file, run id {IdA}", await File.ReadAllTextAsync(dir.File("runs-report-run-1/report.html")));
        Assert.False(Directory.Exists(dir.File("runs-report")));
    }

    [Fact]
    public async Task Compare_overlays_two_runs_of_one_appended_file()
    {
        using var dir = new TemporaryDirectory();
        var path = await ThreeRunsAsync(dir);

        var result = await CliRunner.RunAsync("compare", path, path, "--run-a", "1", "--run-b", IdC, "-o", dir.File("cmp"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains($"note: runs.jsonl holds 3 runs; showing run 1 (run id {IdA}, 4 probes)\n", result.Output);
        Assert.Contains($"note: runs.jsonl holds 3 runs; showing run 3 (run id {IdC}, 5 probes)\n", result.Output);
        Assert.DoesNotContain("same file", result.Output);
        Assert.Matches(@"A \(runs\.jsonl, run 1\)\s*│\s*B \(runs\.jsonl, run 3\)", result.Output);
        Assert.Matches(@"frontiers λ_f determined\s*│\s*3 of 4\s*│\s*4 of 5", result.Output);
    }
}
