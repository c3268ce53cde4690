using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Tests;

/// <summary>The energy budget in <c>summary</c> and <c>report</c>, for a run that recorded one and a run that did not.</summary>
public sealed class EnergyBudgetTests
{
    private const int Probes = 8;

    private const string NoBudget = "no energy budget recorded (no learning rate passed to OnStep, or a file written before it existed)";

    [Fact]
    public async Task Summary_prints_each_interval_s_transport_fraction_and_a_line_with_median_and_maximum()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var rows = SummaryCommandTests.Rows(result.Output);
        Assert.Equal("—", rows[0][^2]); // the first probe has no interval before it
        Assert.Equal("0.6", rows[1][^2]);
        Assert.Equal("0.15", rows[4][^2]);
        // 0.6/p for p = 1…7: median 0.15 (p = 4), max 0.6 in [0.3, 0.9] at probe 1 (step 16).
        Assert.Contains("Transport fraction over 7 of 7 probe intervals: median 0.15, max 0.6 [0.3, 0.9] at step 16 (kernel velocity there 0.01).",
            SummaryCommandTests.Unwrapped(result.Output));
    }

    [Fact]
    public async Task Summary_of_an_exact_budget_says_exact_instead_of_an_interval_without_width()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes, edit: s => s.Transport is { } t
            ? s with { Transport = t with { IsExact = true, TransportFractionLower = t.TransportFraction, TransportFractionUpper = t.TransportFraction } }
            : s);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("Transport fraction over 7 of 7 probe intervals: median 0.15, max 0.6 (exact) at step 16 (kernel velocity there 0.01).",
            SummaryCommandTests.Unwrapped(result.Output));
    }

    [Fact]
    public async Task Summary_of_a_run_without_a_budget_says_so_and_leaves_the_column_unknown()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes, edit: SyntheticRun.WithoutBudget);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.All(SummaryCommandTests.Rows(result.Output), cells => Assert.Equal("—", cells[^2]));
        Assert.Contains($"Transport fraction: {NoBudget}.", SummaryCommandTests.Unwrapped(result.Output));
    }

    [Fact]
    public async Task Report_draws_the_flux_heatmap_and_the_transport_fraction_and_says_when_no_budget_was_recorded()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("with.jsonl"), probes: Probes);
        await SyntheticRun.WriteAsync(dir.File("without.jsonl"), probes: Probes, edit: SyntheticRun.WithoutBudget);

        var with = await CliRunner.RunAsync("report", dir.File("with.jsonl"), "-o", dir.File("with"));
        var without = await CliRunner.RunAsync("report", dir.File("without.jsonl"), "-o", dir.File("without"));

        Assert.True(with.ExitCode == 0 && without.ExitCode == 0, with.Error + without.Error);
        var withHtml = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(dir.File("with/report.html")));
        var withoutHtml = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(dir.File("without/report.html")));
        Assert.Contains("Energy budget", withHtml);
        Assert.Contains("Transport fraction over 7 of 7 probe intervals", withHtml);
        Assert.DoesNotContain(NoBudget, withHtml);
        Assert.Contains($"Transport fraction: {NoBudget}.", withoutHtml);

        foreach (var name in new[] { "flux-heatmap.png", "transport-fraction.png" })
        {
            var withPng = await File.ReadAllBytesAsync(dir.File($"with/{name}"));
            var withoutPng = await File.ReadAllBytesAsync(dir.File($"without/{name}"));
            Assert.Equal((1100, 460), PngFile.Size(withPng));
            Assert.Equal((1100, 460), PngFile.Size(withoutPng));
            // Coloured cells and a band with its line against axes and a note: many more colours with the data.
            Assert.True(PngFile.DistinctColours(withPng) > PngFile.DistinctColours(withoutPng), $"{name} shows no budget");
        }
    }

    [Fact]
    public void Heatmap_colours_the_synthetic_run_s_flux_on_limits_symmetric_about_zero()
    {
        var snapshots = Enumerable.Range(0, Probes).Select(p => SyntheticRun.Snapshot("grid", p, 2)).ToArray();

        var grid = FluxGrid.Of(snapshots);

        Assert.Equal(Probes - 1, grid.Budgets);
        Assert.Equal(snapshots.Skip(1).Select(s => s.Step), grid.Steps);
        var largest = snapshots.Skip(1).SelectMany(s => s.Transport!.Shells).Max(s => Math.Abs(s.Flux));
        Assert.Equal(largest, grid.Limit, 12);
    }
}
