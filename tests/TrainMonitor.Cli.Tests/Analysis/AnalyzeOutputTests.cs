using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrainMonitor.Cli.Tests.Checkpoints;
using TrainMonitor.Outputs.JsonLines;

namespace TrainMonitor.Cli.Tests.Analysis;

/// <summary>
/// One depth sweep over the MLP series, and everything analyze prints and writes of it: the per-checkpoint tables, the
/// series, displacement and sweep tables, the RESULT lines, the JSON lines (one run per depth, readable by summary),
/// analysis.json and the report. The sweep's largest change is recomputed here from the JSON lines, independently of
/// the command's own arithmetic.
/// </summary>
public sealed partial class AnalyzeOutputTests : IClassFixture<AnalyzeOutputTests.Sweep>
{
    private readonly Sweep _sweep;

    public AnalyzeOutputTests(Sweep sweep) => _sweep = sweep;

    /// <summary>The sweep, run once for the class.</summary>
    public sealed class Sweep : IAsyncLifetime, IDisposable
    {
        internal TemporaryDirectory Directory { get; } = new();

        internal CliRunner.Result Result { get; private set; } = null!;

        public string Output => SummaryCommandTests.Unwrapped(Result.Output);

        public async Task InitializeAsync() => Result = await CliRunner.RunAsync(
            "analyze", CheckpointFixtures.PathOf("mlp", "torchscript"), "--tokens", CheckpointFixtures.PathOf("tokens", "probe.txt"),
            "--context", "8", "--error", "surprisal", "--batch-size", "32", "--batches", "3", "--lanczos-steps", "8,16,32",
            "--name", "mlp", "--output", Directory.Path);

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Directory.Dispose();
    }

    [Fact]
    public void It_exits_0_and_prints_a_table_per_checkpoint_then_the_series_displacement_and_sweep_tables()
    {
        Assert.True(_sweep.Result.ExitCode == 0, _sweep.Result.Error + _sweep.Result.Output);
        var output = _sweep.Output;
        foreach (var step in new[] { 25, 50, 100, 200, 400 })
        {
            Assert.Contains($"Step {step} · step-{step:D6}.pt · m = 32 · 3 batches", output);
        }

        Assert.Contains("Checkpoints at m = 32", output);
        Assert.Contains("Frontier displacement at m = 8", output);
        Assert.Contains("Frontier displacement at m = 32", output);
        Assert.Contains("Depth sweep: m = 8 against m = 32", output);
        Assert.Contains("energy at m = 8", output);
        Assert.Contains("Shape: ", output);
    }

    [Fact]
    public async Task Each_RESULT_line_gives_the_largest_change_of_any_shell_from_the_smallest_depth_to_the_largest_as_the_JSON_lines_show_it()
    {
        var read = await JsonLinesReader.ReadFileAsync(_sweep.Directory.File("mlp.jsonl"), CancellationToken.None);
        var lines = ResultLine().Matches(_sweep.Result.Output).ToDictionary(m => long.Parse(m.Groups["step"].Value, CultureInfo.InvariantCulture),
            m => double.Parse(m.Groups["change"].Value, CultureInfo.InvariantCulture));
        Assert.Equal([25L, 50, 100, 200, 400], lines.Keys.Order());
        foreach (var (step, printed) in lines)
        {
            var at8 = read.Snapshots.Single(s => s.Run == "mlp-m8" && s.Step == step).Shells.ToDictionary(s => s.Index, s => s.Estimate);
            var at32 = read.Snapshots.Single(s => s.Run == "mlp-m32" && s.Step == step).Shells.ToDictionary(s => s.Index, s => s.Estimate);
            var expected = at8.Keys.Union(at32.Keys).Max(i => Math.Abs(at32.GetValueOrDefault(i) - at8.GetValueOrDefault(i)));
            // The line prints four significant digits.
            Assert.Equal(expected, printed, 1e-3 * expected);
        }
    }

    [Fact]
    public async Task The_JSON_lines_hold_one_run_per_depth_that_summary_reads_like_a_live_run()
    {
        var path = _sweep.Directory.File("mlp.jsonl");
        var read = await JsonLinesReader.ReadFileAsync(path, CancellationToken.None);
        Assert.Equal(["mlp-m8", "mlp-m16", "mlp-m32"], read.Snapshots.Select(s => s.Run).Distinct());
        Assert.All(read.Snapshots.GroupBy(s => s.Run), run => Assert.Equal([1L, 2, 3, 4, 5], run.Select(s => s.ProbeIndex)));
        Assert.All(read.Snapshots, s => Assert.Equal(s.Run == "mlp-m8" ? 8 : s.Run == "mlp-m16" ? 16 : 32, s.LanczosSteps));

        var summary = await CliRunner.RunAsync("summary", path, "--run", "1");
        Assert.True(summary.ExitCode == 0, summary.Error);
        Assert.Contains("mlp-m8", summary.Output);
    }

    [Fact]
    public void Analysis_json_holds_every_probe_with_its_batch_spread_the_displacement_per_depth_and_the_sweep()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(_sweep.Directory.File("analysis.json")));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal([8, 16, 32], root.GetProperty("lanczos_steps").EnumerateArray().Select(e => e.GetInt32()));
        var probes = root.GetProperty("probes").EnumerateArray().ToArray();
        Assert.Equal(15, probes.Length);
        foreach (var probe in probes)
        {
            var shells = probe.GetProperty("shells").EnumerateArray().ToArray();
            Assert.NotEmpty(shells);
            foreach (var shell in shells)
            {
                var estimate = shell.GetProperty("estimate").GetDouble();
                // The estimate is the mean over the batches, so it lies between the smallest and the largest batch.
                Assert.InRange(estimate, shell.GetProperty("batch_min").GetDouble() - 1e-12, shell.GetProperty("batch_max").GetDouble() + 1e-12);
            }

            var verdict = probe.GetProperty("unimodality");
            Assert.Contains(verdict.GetProperty("verdict").GetString(), new[] { "unimodal", "not_unimodal", "undecided" });
            Assert.Equal(3, verdict.GetProperty("batches_unimodal").GetInt32() + verdict.GetProperty("batches_not_unimodal").GetInt32()
                            + verdict.GetProperty("batches_undecided").GetInt32());
        }

        Assert.Equal(3, root.GetProperty("displacement").GetArrayLength());
        Assert.All(root.GetProperty("displacement").EnumerateArray(), d => Assert.Equal(4, d.GetProperty("intervals").GetArrayLength()));
        Assert.Equal(5, root.GetProperty("depth_sensitivity").GetArrayLength());
    }

    [Fact]
    public void The_report_puts_the_analysis_sections_before_the_deepest_runs_report_and_writes_the_figures()
    {
        var html = File.ReadAllText(_sweep.Directory.File("report.html"));
        var checkpoints = html.IndexOf("id=\"checkpoints\"", StringComparison.Ordinal);
        var summary = html.IndexOf("id=\"summary\"", StringComparison.Ordinal);
        Assert.True(checkpoints > 0 && summary > checkpoints, "the analysis sections come before the run's summary");
        Assert.Contains("id=\"displacement\"", html);
        Assert.Contains("id=\"depths\"", html);
        Assert.Contains("TrainMonitor checkpoint analysis — mlp", html);
        Assert.True(File.Exists(_sweep.Directory.File("batch-spread.png")));
        Assert.True(File.Exists(_sweep.Directory.File("frontier-depths.png")));
        Assert.Equal(5, Directory.GetFiles(Path.Combine(_sweep.Directory.Path, "depth-sweep"), "*.png").Length);
        Assert.Contains("### Step 25 · step-000025.pt", File.ReadAllText(_sweep.Directory.File("checkpoints.md")));
    }

    [GeneratedRegex(@"RESULT analyze_depth_sweep step=(?<step>\d+) m_from=8 m_to=32 max_shell_change=(?<change>[0-9.eE+-]+) ")]
    private static partial Regex ResultLine();
}
