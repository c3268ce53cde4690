using System.Globalization;
using System.Text.RegularExpressions;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Tests;

public sealed partial class SummaryCommandTests
{
    [Fact]
    public async Task Summary_prints_one_row_per_probe_with_its_step_and_regime()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), run: "summary-run", probes: 8);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("summary-run", result.Output);
        var rows = Rows(result.Output);
        Assert.Equal(snapshots.Count, rows.Length);
        for (var i = 0; i < snapshots.Count; i++)
        {
            var cells = rows[i];
            Assert.Equal(14, cells.Length);
            Assert.Equal(snapshots[i].ProbeIndex.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(snapshots[i].Step.ToString("N0", CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(snapshots[i].Assessment.Regime.ToWireName(), cells[^1]);
        }

        Assert.Contains($"Final regime: {snapshots[^1].Assessment.Regime.ToWireName()}", result.Output);
        Assert.Contains("Batch spectra by method: lanczos 4, gram 12 (Lanczos: 32 steps)", result.Output);
        Assert.Contains("Auto fell back to Lanczos at probes 1–2 (2 of 8)", result.Output);
        Assert.Contains("layer 'head' (Linear)", result.Output);
    }

    [Fact]
    public async Task The_method_line_names_a_Lanczos_depth_only_when_a_batch_used_Lanczos()
    {
        using var dir = new TemporaryDirectory();
        // Every probe exact by Gram: the snapshots still carry the requested depth (48), which no batch used.
        await SyntheticRun.WriteAsync(dir.File("gram.jsonl"), probes: 15, edit: s => s with
        {
            LanczosSteps = 48, ProbeMethods = [ProbeMethod.Gram, ProbeMethod.Gram], ProbeFallbackReason = null,
        });
        // Lanczos at two depths (the run's settings changed): the range of the depths that ran.
        await SyntheticRun.WriteAsync(dir.File("depths.jsonl"), probes: 4, edit: s => s with
        {
            LanczosSteps = s.ProbeIndex <= 2 ? 32 : 64, ProbeMethods = s.ProbeIndex == 2 ? [ProbeMethod.Gram] : [ProbeMethod.Lanczos],
        });

        var gram = await CliRunner.RunAsync("summary", dir.File("gram.jsonl"));
        var depths = await CliRunner.RunAsync("summary", dir.File("depths.jsonl"));

        Assert.True(gram.ExitCode == 0, gram.Error + gram.Output);
        Assert.Contains("Batch spectra by method: gram 30\n", gram.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Lanczos:", gram.Output);
        Assert.True(depths.ExitCode == 0, depths.Error + depths.Output);
        Assert.Contains("Batch spectra by method: lanczos 3, gram 1 (Lanczos: 32–64 steps)", depths.Output);
    }

    [Fact]
    public async Task Frontier_column_shows_the_estimate_with_its_certified_interval_and_the_fit_column_the_fit()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 8);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var header = result.Output.Split('\n').Single(l => l.TrimStart().StartsWith("probe ", StringComparison.Ordinal) && l.Contains("regime", StringComparison.Ordinal));
        Assert.Equal(["probe", "step", "loss", "held-out", "energy", "null", "λ_f [certified]", "fit λ", "λ_max", "α₁", "kernel Δ", "output Δ", "transport", "regime"], Cells(header));
        var rows = Rows(result.Output);
        // Probe 0: λ_f = 10^0.5/3 in [10^0.5/4, 10^0.5/2]; its fit is undetermined.
        Assert.Equal(("1.05 [0.79, 1.6]", "—"), (rows[0][6], rows[0][7]));
        // Probe 1: no upper end was certified; fit λ = 10^0.15/2.5.
        Assert.Equal(("0.471 [0.35, ∞]", "0.565"), (rows[1][6], rows[1][7]));
        // Probe 2: neither determined.
        Assert.Equal(("—", "—"), (rows[2][6], rows[2][7]));
        Assert.Equal(("0.00374 [0.0028, 0.0056]", "0.00449"), (rows[7][6], rows[7][7]));
    }

    [Fact]
    public async Task Summary_lists_the_regime_changes_and_counts_the_alerting_probes()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 10);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string Step(int probe) => snapshots[probe].Step.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"Regime changed 3 times: warming_up → feature_learning at step {Step(2)} → lazy_progressing at step {Step(5)} → " +
            $"lazy_stagnant at step {Step(8)}; 0 of 10 probes unstable, 2 lazy_stagnant, 0 overfitting, 0 not_learning.", Unwrapped(result.Output));
    }

    [Fact]
    public async Task Summary_counts_overfitting_and_not_learning_probes_and_colours_them()
    {
        using var dir = new TemporaryDirectory();
        // Probes 0–1 warming up, 2–4 not learning, 5–6 feature learning, 7–9 overfitting.
        static TrainingRegime Regime(long probe) => probe switch
        {
            < 2 => TrainingRegime.WarmingUp,
            < 5 => TrainingRegime.NotLearning,
            < 7 => TrainingRegime.FeatureLearning,
            _ => TrainingRegime.Overfitting,
        };
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 10,
            edit: s => s with { Assessment = s.Assessment with { Regime = Regime(s.ProbeIndex - 1) } });

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string Step(int probe) => snapshots[probe].Step.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"Regime changed 3 times: warming_up → not_learning at step {Step(2)} → feature_learning at step {Step(5)} → " +
            $"overfitting at step {Step(7)}; 0 of 10 probes unstable, 0 lazy_stagnant, 3 overfitting, 3 not_learning.", Unwrapped(result.Output));
        Assert.Equal(["warming_up", "warming_up", "not_learning", "not_learning", "not_learning", "feature_learning", "feature_learning",
            "overfitting", "overfitting", "overfitting"], Rows(result.Output).Select(r => r[^1]));
    }

    [Fact]
    public async Task The_output_change_column_stands_beside_the_kernel_distance()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 4);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var rows = Rows(result.Output);
        // The first probe has no previous one; then 0.5/2^probe: 0.25, 0.125, 0.0625.
        Assert.Equal(["—", "0.25", "0.125", "0.0625"], rows.Select(r => r[11]));
        Assert.Equal(snapshots.Select(s => TrainMonitor.Cli.Formatting.NumberText.Format(s.Assessment.KernelDistance)), rows.Select(r => r[10]));
        Assert.Contains("output Δ: relative change of the model's outputs on the probe set since the previous probe", Unwrapped(result.Output));
    }

    [Fact]
    public async Task The_held_out_loss_column_stands_right_after_the_training_loss()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 4);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var rows = Rows(result.Output);
        Assert.Equal(snapshots.Select(s => TrainMonitor.Cli.Formatting.NumberText.Format(s.TrainingLoss)), rows.Select(r => r[2]));
        Assert.Equal(snapshots.Select(s => TrainMonitor.Cli.Formatting.NumberText.Format(s.ProbeLoss)), rows.Select(r => r[3]));
        Assert.Contains("held-out: loss on the held-out probe set (mean surprisal for cross-entropy, ½ the error energy for squared error)", Unwrapped(result.Output));
        Assert.Contains("loss: mean training loss since the previous probe", Unwrapped(result.Output));
    }

    [Fact]
    public async Task A_schema_version_3_file_shows_no_output_change_no_kernel_velocity_and_no_held_out_loss()
    {
        // Version 3 had no output_change and no probe_loss, and its kernel_velocity was in another unit: all read back as unknown.
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("v3.jsonl"), probes: 4);
        var lines = (await File.ReadAllLinesAsync(dir.File("v3.jsonl"))).Where(l => l.Length > 0).Select(line =>
        {
            var root = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            root["schema_version"] = 3;
            root.Remove("output_change");
            root.Remove("probe_loss");
            return root.ToJsonString();
        });
        await File.WriteAllLinesAsync(dir.File("v3.jsonl"), lines);

        var result = await CliRunner.RunAsync("summary", dir.File("v3.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.All(Rows(result.Output), r => Assert.Equal("—", r[11]));
        Assert.All(Rows(result.Output), r => Assert.Equal("—", r[3]));
        Assert.Contains("(kernel velocity there —).", Unwrapped(result.Output));
    }

    [Fact]
    public async Task Summary_says_how_far_the_frontier_moved_from_the_first_to_the_last_determined_probe()
    {
        using var dir = new TemporaryDirectory();
        var snapshots = await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 8);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        // Probes 0 and 7 are the first and last determined: 1.05 [0.79, 1.6] and 0.00374 [0.0028, 0.0056] (see above).
        var (first, last) = (snapshots[0].Frontier, snapshots[7].Frontier);
        var decades = Math.Log10(first.Lambda / last.Lambda).ToString("0.00", CultureInfo.InvariantCulture);
        var certified = Math.Log10(first.LambdaLower / last.LambdaUpper).ToString("0.00", CultureInfo.InvariantCulture);
        Assert.Equal("2.45", decades);
        Assert.Contains($"Frontier λ_f determined at 6 of 8 probes; from 1.05 at step 10 to 0.00374 at step {snapshots[7].Step.ToString("N0", CultureInfo.InvariantCulture)}: " +
            $"down {decades} decades (certified advance {certified}).", Unwrapped(result.Output));
    }

    [Fact]
    public async Task Summary_reports_the_quantile_frontier_and_the_fit_on_lines_of_their_own()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("run.jsonl"), probes: 8);

        var result = await CliRunner.RunAsync("summary", dir.File("run.jsonl"));

        // λ_f: probes 2 and 5, whose reasons differ only in a number (one kind). Fit: those two and probes 0, 3, 6.
        Assert.Contains(
            "Frontier undetermined at 2 of 8 probes (most common reason, 2 of them, last at step 105: synthetic: fit R² 0.51 below 0.9).",
            result.Output);
        Assert.Contains(
            "Fit undetermined at 5 of 8 probes (most common reason, 3 of them, last at step 168: synthetic fit: the profile shows no " +
            "high-λ cutoff); median outlier-energy share 22.5% (error energy in the sparse top shells the fit left out).",
            Unwrapped(result.Output));
    }

    [Fact]
    public async Task A_schema_version_2_file_shows_the_quantile_frontier_as_unknown_with_the_reason_and_the_fit_it_holds()
    {
        using var dir = new TemporaryDirectory();
        await SyntheticRun.WriteAsync(dir.File("v2.jsonl"), probes: 8);
        await SyntheticRun.DowngradeToSchemaVersion2Async(dir.File("v2.jsonl"));
        Assert.StartsWith("{\"schema_version\":2,", await File.ReadAllTextAsync(dir.File("v2.jsonl")));

        var result = await CliRunner.RunAsync("summary", dir.File("v2.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var rows = Rows(result.Output);
        Assert.Equal(8, rows.Length);
        Assert.All(rows, r => Assert.Equal("—", r[6]));
        Assert.Equal("0.565", rows[1][7]); // the fit was recorded, as the frontier object of version 2
        Assert.Contains(
            "Frontier undetermined at 8 of 8 probes (most common reason, 8 of them, last at step 268: not recorded (schema version 2 files hold only the fit)).",
            Unwrapped(result.Output));
        Assert.Contains("Fit undetermined at 5 of 8 probes", result.Output);
        Assert.Contains("; outlier energy not recorded.", Unwrapped(result.Output));
    }

    [Fact]
    public void Frontier_cell_drops_an_interval_that_prints_as_the_estimate_and_shows_an_unbounded_end_as_infinity()
    {
        var fit = FrontierFitSnapshot.Missing("none");

        Assert.Equal("0.00123", SummaryColumns.FrontierCell(new FrontierSnapshot(1.23e-3, 1.23e-3, 1.23e-3, 0.5, null, fit)));
        Assert.Equal("0.00123", SummaryColumns.FrontierCell(new FrontierSnapshot(1.23e-3, 1.21e-3, 1.24e-3, 0.5, null, fit)));
        Assert.Equal("0.00123 [9.8e-4, 0.0015]", SummaryColumns.FrontierCell(new FrontierSnapshot(1.23e-3, 9.8e-4, 1.5e-3, 0.5, null, fit)));
        Assert.Equal("0.00123 [9.8e-4, ∞]", SummaryColumns.FrontierCell(new FrontierSnapshot(1.23e-3, 9.8e-4, double.PositiveInfinity, 0.5, null, fit)));
        Assert.Equal("—", SummaryColumns.FrontierCell(new FrontierSnapshot(double.NaN, double.NaN, double.NaN, 0.5, "zero error", fit)));
    }

    [Fact]
    public void Fit_outcome_says_when_every_probe_determined_the_fit()
    {
        var snapshots = new[] { 0, 1 }.Select(p => SyntheticRun.Snapshot("r", p, 2) with
        {
            Frontier = SyntheticRun.Snapshot("r", p, 2).Frontier with
            {
                Fit = new FrontierFitSnapshot(0.1, 1, 0, 0.99, 5, 0, null, OutlierEnergy: 0.1 * (p + 1) * 2.0 / (1 + p), OutlierShells: 1),
            },
        }).ToArray();

        Assert.Equal(
            "Fit determined at all 2 probes; median outlier-energy share 15.0% (error energy in the sparse top shells the fit left out).",
            SummaryColumns.FitOutcome(snapshots));
        Assert.Null(SummaryColumns.FrontierUndetermined(snapshots));
    }

    /// <summary>Table rows: lines whose first cell is a probe number (the header's is "probe").</summary>
    internal static string[][] Rows(string output) =>
        output.Split('\n').Select(Cells).Where(cells => cells is [var first, ..] && int.TryParse(first, out _)).ToArray();

    /// <summary>Cells are separated by two or more spaces; a cell such as "1.05 [0.79, 1.6]" holds single ones.</summary>
    private static string[] Cells(string line) => ColumnGap().Split(line.Trim()).Where(c => c.Length > 0).ToArray();

    /// <summary>The console wraps long lines at its width; the text is compared without the wrapping.</summary>
    internal static string Unwrapped(string output) => LineBreak().Replace(output, " ");

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex ColumnGap();

    [GeneratedRegex(@" ?\n")]
    private static partial Regex LineBreak();
}
