using System.Globalization;
using System.Text;
using Validation.Reporting;

namespace Validation.Scenarios;

/// <summary>Writes what the scenario benchmark measured: per-run blocks on the console, the table, the markdown file and per-run CSVs.</summary>
internal static class ScenarioReport
{
    /// <summary>The run's header, its regime runs, the reason at every change of regime, and the ground-truth check.</summary>
    public static void WriteRun(TextWriter output, RunScore score, IReadOnlyList<GroundTruthFinding> findings)
    {
        var run = score.Run;
        output.WriteLine($"{run.Definition.Name} [{run.Schedule.Name}] — {run.Definition.GroundTruth}: {run.Definition.Construction}; " +
            $"{run.Probes.Count} probes{(run.ProbeFailures > 0 ? $", {run.ProbeFailures} FAILED" : "")}, {run.Seconds:0.0} s");
        output.WriteLine($"  regimes: {RegimeSequence.Compress(run.Probes.Select(p => p.Regime))}");
        string? previous = null;
        foreach (var probe in run.Probes)
        {
            if (probe.Regime != previous)
            {
                output.WriteLine($"  step {probe.Step} (probe {probe.Index}): {previous ?? "start"} → {probe.Regime}: {probe.Reason}");
                previous = probe.Regime;
            }
        }

        foreach (var finding in findings)
        {
            output.WriteLine($"  ground truth {finding}");
        }

        if (run.Probes.Any(p => double.IsNaN(p.HeldOutLoss)) && run.Curve.All(p => double.IsFinite(p.HeldOut)))
        {
            output.WriteLine("  WARNING: a probe step has no held-out evaluation (the monitor probed a step the harness did not expect)");
        }
    }

    public static string Table(IEnumerable<ScenarioRow> rows)
    {
        var table = new TextTable([.. ScenarioRow.Headers]);
        foreach (var row in rows)
        {
            table.Add([.. row.Cells]);
        }

        return table.ToString();
    }

    public static void WriteMarkdown(string path, string title, IEnumerable<string> preamble, IEnumerable<ScenarioRow> rows, IEnumerable<string> resultLines)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {title}").AppendLine();
        foreach (var line in preamble)
        {
            text.AppendLine(line);
        }

        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", ScenarioRow.Headers) + " |");
        text.AppendLine("|" + string.Concat(ScenarioRow.Headers.Select(_ => "---|")));
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row.Cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        text.AppendLine();
        foreach (var line in resultLines)
        {
            text.AppendLine($"    {line}");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// One CSV per run: step, held-out loss, training loss, error energy, kernel velocity, output change, regime and reason at
    /// each probe.
    /// </summary>
    public static void WriteProbesCsv(string path, ScenarioRun run)
    {
        var text = new StringBuilder("step,held_out_loss,training_loss,error_energy,kernel_velocity,output_change,regime,reason\n");
        foreach (var p in run.Probes)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{p.Step},{N(p.HeldOutLoss)},{N(p.TrainingLoss)},{N(p.ErrorEnergy)},{N(p.KernelVelocity)},{N(p.OutputChange)},{p.Regime},{Quote(p.Reason)}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>The harness's dense loss curve of a scenario (the same under both schedules).</summary>
    public static void WriteCurveCsv(string path, ScenarioRun run)
    {
        var text = new StringBuilder("step,held_out_loss,training_loss\n");
        foreach (var p in run.Curve)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Step},{N(p.HeldOut)},{N(p.Training)}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
