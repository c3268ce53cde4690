using System.Globalization;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Tests;

public sealed class SummaryCommandTests
{
    [Fact]
    public async Task Summary_prints_one_row_per_probe_with_its_step_and_regime()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), run: "summary-run", probes: 8);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("summary-run", result.Output);
        // Table rows are the lines whose first cell is a probe number (the header's is "probe"); cells hold no spaces.
        var rows = result.Output.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells is [var first, ..] && int.TryParse(first, out _))
            .ToArray();
        Assert.Equal(snapshots.Count, rows.Length);
        for (var i = 0; i < snapshots.Count; i++)
        {
            var cells = rows[i];
            Assert.Equal(10, cells.Length);
            Assert.Equal(snapshots[i].ProbeIndex.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(snapshots[i].Step.ToString("N0", CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(snapshots[i].Assessment.Regime.ToWireName(), cells[^1]);
        }

        Assert.Contains($"Final regime: {snapshots[^1].Assessment.Regime.ToWireName()}", result.Output);
        Assert.Contains("Frontier undetermined at 2 of 8 probes", result.Output);
        Assert.Contains("Batch spectra by method: lanczos 4, gram 12 (Lanczos: 32 steps)", result.Output);
        Assert.Contains("Auto fell back to Lanczos at probes 1–2 (2 of 8)", result.Output);
        Assert.Contains("layer 'head' (Linear)", result.Output);
    }
}
