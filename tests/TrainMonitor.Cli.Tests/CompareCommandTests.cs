using TrainMonitor.Cli.Formatting;
using TrainMonitor.Outputs;

namespace TrainMonitor.Cli.Tests;

public sealed class CompareCommandTests
{
    [Fact]
    public async Task Compare_overlays_two_runs_in_pngs_and_one_page()
    {
        using var dir = new TemporaryDirectory();
        var wide = await SyntheticRun.WriteAsync(dir.File("a.jsonl"), run: "wide", probes: 8);
        var narrow = await SyntheticRun.WriteAsync(dir.File("b.jsonl"), run: "narrow", probes: 5);

        var result = await CliRunner.RunAsync("compare", dir.File("a.jsonl"), dir.File("b.jsonl"), "-o", dir.File("cmp"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        foreach (var name in new[] { "compare-profiles.png", "compare-frontier.png", "compare-regimes.png", "compare-kernel-distance.png", "compare-error-energy.png" })
        {
            var (width, _) = PngFile.Size(await File.ReadAllBytesAsync(dir.File($"cmp/{name}")));
            Assert.Equal(1100, width);
        }

        var html = await File.ReadAllTextAsync(dir.File("cmp/compare.html"));
        Assert.Contains("wide", html);
        Assert.Contains("narrow", html);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(html, "data:image/png;base64,").Count);
        Assert.Contains("final regime", result.Output);
        // Quantile frontier of the last probes (probe 7 of "wide", probe 4 of "narrow") and both determined counts.
        Assert.Matches(@"final frontier λ_f \[certified\]\s*│\s*0\.00374 \[0\.0028, 0\.0056\]\s*│\s*0\.042 \[0\.031, 0\.063\]", result.Output);
        Assert.Matches(@"frontiers λ_f determined\s*│\s*6 of 8\s*│\s*4 of 5", result.Output);
        Assert.Matches(@"final fit λ\s*│\s*0\.00449\s*│\s*0\.0504", result.Output);
        Assert.Matches(@"fits determined\s*│\s*3 of 8\s*│\s*2 of 5", result.Output);
        // The held-out loss right after the training loss, so the two runs' generalization can be read side by side.
        static string Held(IReadOnlyList<ProbeSnapshot> run) => System.Text.RegularExpressions.Regex.Escape(NumberText.Format(run[^1].ProbeLoss));
        Assert.Matches($@"final training loss\s*│[^\n]*\n[^\n]*final held-out loss \(probe\)\s*│\s*{Held(wide)}\s*│\s*{Held(narrow)}", result.Output);
    }

    [Fact]
    public async Task Compare_refuses_runs_on_different_shell_grids_and_says_why()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("a.jsonl"), run: "q2", probes: 3, shellRatio: 2);
        await SyntheticRun.WriteAsync(dir.File("b.jsonl"), run: "q4", probes: 3, shellRatio: 4);

        var result = await CliRunner.RunAsync("compare", dir.File("a.jsonl"), dir.File("b.jsonl"), "-o", dir.File("cmp"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("shell grids differ", result.Error);
        Assert.Contains("q2: q = 2", result.Error);
        Assert.Contains("q4: q = 4", result.Error);
        Assert.False(Directory.Exists(dir.File("cmp")), "nothing is written for a refused comparison");
    }
}
