using System.Diagnostics;
using Validation.Reporting;

namespace Validation.Scenarios;

/// <summary>
/// The scenario benchmark: real training runs whose regime is known by construction, each trained with the monitor
/// attached inline under two probe schedules, scored per probe against the ground truth beside two plain baselines on
/// the held-out loss. Not part of <c>all</c>: it measures the regime tracker, it does not validate the mathematics.
/// </summary>
internal sealed class ScenarioBenchmark(ScenarioBenchmark.Settings settings)
{
    /// <param name="Holdout">Run the held-out variants (other seeds, shifted onsets) instead of the main set.</param>
    /// <param name="Only">Keep only scenarios whose name contains this (case-insensitive).</param>
    public sealed record Settings(bool Holdout = false, string? Only = null);

    /// <summary>Runs the set, writes the per-schedule figures to the returned results and the combined ones to <paramref name="results"/>.</summary>
    public ValidationResults Execute(string artifacts, ValidationResults results, TextWriter output)
    {
        var set = settings.Holdout ? "holdout" : "main";
        var definitions = (settings.Holdout ? ScenarioCatalog.Main.Select(d => d.ForHoldout()) : ScenarioCatalog.Main)
            .Where(d => settings.Only is null || d.Name.Contains(settings.Only, StringComparison.OrdinalIgnoreCase)).ToArray();
        var preamble = new[]
        {
            $"Scenario benchmark, {set} set: {definitions.Length} scenarios × {ScheduleVariant.All.Count} schedules, monitor attached inline with library defaults (probe method Auto).",
            "Schedules: " + string.Join("; ", ScheduleVariant.All.Select(s => $"{s.Name} = {s.Description}")) +
                ". Both with OverheadBudget = 0: the default 5 % budget postpones probes by measured time, so the probed steps would depend on machine load.",
            $"Scoring: probes with index ≥ {GroupExpectation.FirstScoredProbe} are post-warm-up; an onset's changed rate applies from the onset step itself; " +
                "delay = first expected alert at a probe with step ≥ onset minus the index of the last probe with step ≤ onset; a miss counts as (probes after onset + 1).",
            $"Torch threads: {TorchSharp.torch.get_num_threads()}.",
        };
        foreach (var line in preamble)
        {
            output.WriteLine(line);
        }

        output.WriteLine();
        var csvDirectory = Path.Combine(artifacts, $"scenarios-{set}");
        Directory.CreateDirectory(csvDirectory);
        var scores = new List<RunScore>();
        var rows = new List<ScenarioRow>();
        var warnings = new List<string>();
        var watch = Stopwatch.StartNew();
        foreach (var definition in definitions)
        {
            foreach (var schedule in ScheduleVariant.All)
            {
                var run = ScenarioRunner.Run(definition, schedule);
                var score = new RunScore(run);
                var findings = GroundTruthCheck.Check(run);
                ScenarioReport.WriteRun(output, score, findings);
                output.Flush();
                warnings.AddRange(findings.Where(f => !f.Holds).Select(f => $"{definition.Name} [{schedule.Name}]: {f}"));
                ScenarioReport.WriteProbesCsv(Path.Combine(csvDirectory, $"{definition.Name}-{schedule.Name}.csv"), run);
                ScenarioReport.WriteCurveCsv(Path.Combine(csvDirectory, $"{definition.Name}-curve.csv"), run);
                scores.Add(score);
                rows.Add(ScenarioRow.From(score, findings));
            }
        }

        output.WriteLine();
        output.WriteLine(ScenarioReport.Table(rows));
        foreach (var warning in warnings)
        {
            output.WriteLine($"GROUND TRUTH {warning}");
        }

        ScenarioMetrics.Write(scores, results);
        var bySchedule = new ValidationResults();
        foreach (var schedule in ScheduleVariant.All)
        {
            ScenarioMetrics.Write([.. scores.Where(s => s.Run.Schedule == schedule)], bySchedule, schedule.Name + "_");
        }

        var markdown = Path.Combine(artifacts, settings.Holdout ? "scenarios-holdout.md" : "scenarios.md");
        ScenarioReport.WriteMarkdown(markdown, $"Scenario benchmark ({set} set)", preamble.Append($"Wall time {watch.Elapsed.TotalSeconds:0} s. Per-run CSVs beside this file in {Path.GetFileName(csvDirectory)}/."),
            rows, [results.ToResultLine(), bySchedule.ToResultLine("RESULT_BY_SCHEDULE"), .. warnings.Select(w => $"GROUND TRUTH {w}")]);
        output.WriteLine($"table: {markdown}; per-run CSVs: {csvDirectory}");
        return bySchedule;
    }
}
