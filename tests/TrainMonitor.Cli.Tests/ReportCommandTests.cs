using System.Text.RegularExpressions;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Plots;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Tests;

public sealed class ReportCommandTests
{
    private const int Probes = 10;

    [Fact]
    public async Task Report_writes_every_figure_as_a_png_of_the_intended_size()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes);
        var output = dir.File("out");

        var result = await CliRunner.RunAsync("report", dir.File("run.jsonl"), "--output", output);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var expected = new Dictionary<string, (int, int)>
        {
            ["profiles.png"] = (1100, 620),
            ["frontier.png"] = (1100, 520),
            ["regimes.png"] = (1100, 230),
            ["kernel-distance.png"] = (1100, 460),
            ["error-energy.png"] = (1100, 460),
            ["flux-heatmap.png"] = (1100, 460),
            ["transport-fraction.png"] = (1100, 460),
        };
        foreach (var (name, size) in expected)
        {
            var png = await File.ReadAllBytesAsync(Path.Combine(output, name));
            Assert.Equal(size, PngFile.Size(png));
            // A figure with axes, text and data has many colours (anti-aliasing); a blank or failed render has a handful.
            Assert.True(PngFile.DistinctColours(png) > 50, $"{name} looks blank");
        }

        var perProbe = Directory.GetFiles(Path.Combine(output, "profiles"), "*.png");
        Assert.Equal(Probes, perProbe.Length);
        Assert.All(perProbe, f => Assert.Equal((480, 320), PngFile.Size(File.ReadAllBytes(f))));
    }

    [Fact]
    public async Task Regime_timeline_shows_the_colour_of_each_regime_present_and_none_of_the_absent_one()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes);
        var result = await CliRunner.RunAsync("report", dir.File("run.jsonl"), "-o", dir.File("out"));
        Assert.Equal(0, result.ExitCode);
        var png = await File.ReadAllBytesAsync(dir.File("out/regimes.png"));

        var present = Enumerable.Range(0, Probes).Select(SyntheticRun.RegimeAt).Distinct().ToArray();
        foreach (var regime in present)
        {
            // Bands are filled rectangles spanning most of the plot height: thousands of pixels each.
            Assert.True(PngFile.CountPixels(png, RegimePalette.Hex(regime)) > 1000, $"{regime} band missing");
        }

        Assert.DoesNotContain(TrainingRegime.Unstable, present);
        Assert.Equal(0, PngFile.CountPixels(png, RegimePalette.Hex(TrainingRegime.Unstable)));
    }

    [Fact]
    public async Task Regime_timeline_draws_overfitting_and_not_learning_in_colours_of_their_own()
    {
        using var dir = new TemporaryDirectory();
        // Not learning for the first half, overfitting for the second: the two regimes the tracker added.
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: Probes, edit: s => s with
        {
            Assessment = s.Assessment with { Regime = s.ProbeIndex <= Probes / 2 ? TrainingRegime.NotLearning : TrainingRegime.Overfitting },
        });
        var result = await CliRunner.RunAsync("report", dir.File("run.jsonl"), "-o", dir.File("out"));
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var png = await File.ReadAllBytesAsync(dir.File("out/regimes.png"));

        Assert.True(PngFile.CountPixels(png, RegimePalette.Hex(TrainingRegime.NotLearning)) > 1000, "not_learning band missing");
        Assert.True(PngFile.CountPixels(png, RegimePalette.Hex(TrainingRegime.Overfitting)) > 1000, "overfitting band missing");
        Assert.Equal(0, PngFile.CountPixels(png, RegimePalette.Hex(TrainingRegime.LazyStagnant)));
        var html = await File.ReadAllTextAsync(dir.File("out/report.html"));
        Assert.Contains($"background:{RegimePalette.Hex(TrainingRegime.Overfitting)}\">overfitting<", html);
    }

    [Fact]
    public async Task Kernel_distance_figure_draws_the_output_change_beside_the_kernel_distances()
    {
        // One run: a colour per quantity (Category10), the output change third, after the two kernel distances.
        var c = new ScottPlot.Palettes.Category10().GetColor(2);
        var outputChangeColour = $"#{c.R:x2}{c.G:x2}{c.B:x2}";
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("with.jsonl"), probes: Probes);
        await SyntheticRun.WriteAsync(dir.File("without.jsonl"), probes: Probes,
            edit: s => s with { Assessment = s.Assessment with { OutputChange = double.NaN } });

        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("with.jsonl"), "-o", dir.File("with"))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("without.jsonl"), "-o", dir.File("without"))).ExitCode);

        var with = PngFile.CountPixels(await File.ReadAllBytesAsync(dir.File("with/kernel-distance.png")), outputChangeColour);
        var without = PngFile.CountPixels(await File.ReadAllBytesAsync(dir.File("without/kernel-distance.png")), outputChangeColour);
        Assert.True(with > 50 && without == 0, $"output-change pixels: {with} with the series, {without} without");
        Assert.Contains("Kernel distance and output change", await File.ReadAllTextAsync(dir.File("with/report.html")));
    }

    [Fact]
    public async Task Error_energy_figure_draws_the_held_out_loss_beside_the_training_loss()
    {
        // One run: a colour per quantity (Category10), the held-out loss fourth, right after the training loss.
        var c = new ScottPlot.Palettes.Category10().GetColor(3);
        var heldOutColour = $"#{c.R:x2}{c.G:x2}{c.B:x2}";
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("with.jsonl"), probes: Probes);
        await SyntheticRun.WriteAsync(dir.File("without.jsonl"), probes: Probes, edit: s => s with { ProbeLoss = double.NaN });

        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("with.jsonl"), "-o", dir.File("with"))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("without.jsonl"), "-o", dir.File("without"))).ExitCode);

        var with = PngFile.CountPixels(await File.ReadAllBytesAsync(dir.File("with/error-energy.png")), heldOutColour);
        var without = PngFile.CountPixels(await File.ReadAllBytesAsync(dir.File("without/error-energy.png")), heldOutColour);
        Assert.True(with > 50 && without == 0, $"held-out-loss pixels: {with} with the series, {without} without");
        Assert.Contains("Error energy and losses", await File.ReadAllTextAsync(dir.File("with/report.html")));
    }

    [Fact]
    public async Task Html_page_embeds_the_images_names_the_sections_and_links_nothing_outside()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), run: "html-run", probes: Probes);
        var result = await CliRunner.RunAsync("report", dir.File("run.jsonl"), "-o", dir.File("out"));
        Assert.Equal(0, result.ExitCode);
        var html = await File.ReadAllTextAsync(dir.File("out/report.html"));

        foreach (var title in new[] { "html-run", "Summary", "Shell profiles", "Resolution frontier", "Undetermined frontiers", "Regime timeline", "Regime changes", "Kernel distance", "Error energy" })
        {
            Assert.Contains(title, html);
        }

        // 7 main figures and one profile per probe, each the PNG file's exact bytes.
        var images = Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToArray();
        Assert.Equal(RunReport.MainFigureCount + Probes, images.Length);
        Assert.Contains(images, i => i.AsSpan().SequenceEqual(File.ReadAllBytes(dir.File("out/frontier.png"))));

        // Self-contained: every src/href is a data URI or an in-page anchor; no script, no stylesheet link.
        var references = Regex.Matches(html, "(?:src|href)\\s*=\\s*\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(r.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || r.StartsWith('#'), r));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);

        // Undetermined frontiers are listed with their reasons; the regime changes with theirs. (Text is HTML-encoded.)
        html = System.Net.WebUtility.HtmlDecode(html);
        for (var p = 0; p < Probes; p++)
        {
            if (SyntheticRun.IsUndetermined(p))
            {
                Assert.Contains(SyntheticRun.UndeterminedReason(p), html);
            }
        }

        // Both estimates' reasons: the fit fails at probes where λ_f was determined too.
        Assert.Contains("why λ_f was not determined", html);
        Assert.Contains("why the fit was not determined", html);
        Assert.Contains($"<td class=\"text\">(determined)</td><td class=\"text\">{SyntheticRun.FitOnlyReason}</td>", html);
        Assert.Contains("Undetermined frontiers (λ_f at 3, fit at 7 of 10 probes)", html);
        Assert.Contains("Fit undetermined at 7 of 10 probes (most common reason, 4 of them", html);
        // Probe 1 has no certified upper end: the caption says the band is clipped there.
        Assert.Contains("At 1 probe(s) no upper end was certified (∞): the band there is clipped to the top of the plot.", html);

        Assert.Contains("synthetic regime of probe 3", html); // first feature_learning probe: a change
        Assert.Contains($"lanczos 4, gram {2 * (Probes - 2)} (Lanczos: 32 steps)", html); // SyntheticRun: 2 batches, first 2 probes Lanczos
        Assert.Contains($"probes 1–2 (2 of {Probes}): {SyntheticRun.SyntheticFallbackReason}", html);
    }

    [Fact]
    public async Task Frontier_plot_shades_the_certified_interval_and_draws_no_band_where_the_spectra_were_exact()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("lanczos.jsonl"), probes: Probes);
        await SyntheticRun.WriteAsync(dir.File("exact.jsonl"), probes: Probes,
            edit: s => s with { Frontier = s.Frontier with { LambdaLower = s.Frontier.Lambda, LambdaUpper = s.Frontier.Lambda } });
        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("lanczos.jsonl"), "-o", dir.File("lanczos"))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("report", dir.File("exact.jsonl"), "-o", dir.File("exact"))).ExitCode);

        // The band is the run colour #1f77b4 at 20 % over white; the legend swatch alone is a few hundred pixels.
        const string band = "#d2e4f0";
        var shaded = PngFile.CountPixelsNear(await File.ReadAllBytesAsync(dir.File("lanczos/frontier.png")), band, 2);
        var exact = PngFile.CountPixelsNear(await File.ReadAllBytesAsync(dir.File("exact/frontier.png")), band, 2);
        Assert.True(shaded > 5000, $"{shaded} band pixels");
        Assert.True(exact < 1000, $"{exact} band pixels where every interval is a point");
        var html = await File.ReadAllTextAsync(dir.File("exact/report.html"));
        Assert.DoesNotContain("probe(s) no upper end was certified", html);
    }

    [Fact]
    public async Task A_schema_version_2_run_reports_the_quantile_frontier_as_not_recorded()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("v2.jsonl"), probes: 4);
        await SyntheticRun.DowngradeToSchemaVersion2Async(dir.File("v2.jsonl"));

        var result = await CliRunner.RunAsync("report", dir.File("v2.jsonl"), "-o", dir.File("out"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var html = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(dir.File("out/report.html")));
        Assert.Contains("Undetermined frontiers (λ_f at 4, fit at 3 of 4 probes)", html);
        Assert.Equal(4, Regex.Matches(html, Regex.Escape("not recorded (schema version 2 files hold only the fit)") + "</td>").Count);
    }

    [Fact]
    public async Task Default_output_directory_is_next_to_the_input()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("mnist.jsonl"), probes: 3);
        var result = await CliRunner.RunAsync("report", dir.File("mnist.jsonl"));
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(dir.File("mnist-report/report.html")));
        Assert.Contains("mnist-report", result.Output);
    }
}
