using System.Text;
using System.Text.Json;
using TrainMonitor.Checkpoints;
using TrainMonitor.Frontier;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// analysis.json: what the protocol measured beyond the snapshots the JSON-lines file holds — each probe's batch spread
/// and unimodality verdict, the frontier's displacement per depth, and the depth sweep (schema in docs/reports.md).
/// Numbers that are not finite are written as null.
/// </summary>
internal static class AnalysisJson
{
    /// <summary>Version of the layout below; raised when a key changes meaning or goes.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The file's bytes (UTF-8, indented).</summary>
    public static byte[] Write(CheckpointAnalysisResult result, AnalysisDescription description)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schema", SchemaVersion);
            writer.WriteString("run", description.RunName);
            writer.WriteString("model_source", description.ModelSource);
            writer.WriteString("data", description.Data);
            writer.WriteString("error", description.Error);
            writer.WriteNumber("batches", description.Batches);
            writer.WriteNumber("batch_size", description.BatchSize);
            writer.WriteString("probe_method_requested", ProbeMethodNames.ToWireName(description.Method));
            WriteArray(writer, "lanczos_steps", result.Depths, (w, d) => w.WriteNumberValue(d));
            WriteArray(writer, "runs", result.RunNames, (w, r) => w.WriteStringValue(r));
            WriteArray(writer, "checkpoints", result.Checkpoints, (w, c) =>
            {
                w.WriteStartObject();
                w.WriteNumber("step", c.Step);
                w.WriteString("path", c.Path);
                w.WriteEndObject();
            });
            WriteArray(writer, "probes", result.Probes, WriteProbe);
            WriteArray(writer, "displacement", result.Displacements, WriteDisplacement);
            WriteArray(writer, "depth_sensitivity", result.DepthSensitivity, WriteSensitivity);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteProbe(Utf8JsonWriter w, CheckpointProbe p)
    {
        w.WriteStartObject();
        w.WriteNumber("step", p.Checkpoint.Step);
        w.WriteNumber("lanczos_steps", p.LanczosSteps);
        w.WriteNumber("batches", p.Batches);
        if (p.Snapshot is not { } s)
        {
            w.WriteString("failure", p.Failure);
            w.WriteEndObject();
            return;
        }

        w.WriteString("run_id", s.RunId);
        Number(w, "error_energy", s.ErrorEnergy);
        WriteArray(w, "shells", s.Shells.Select((shell, i) => (shell, spread: i < p.BatchSpread.Count ? p.BatchSpread[i] : null)).ToArray(), (w, x) =>
        {
            w.WriteStartObject();
            ProbeSnapshotJsonWriter.WriteShellFields(w, x.shell.Index, x.shell.LambdaLower, x.shell.LambdaUpper, x.shell.Estimate, x.shell.Lower, x.shell.Upper);
            Number(w, "batch_sd", x.spread?.StandardDeviation ?? double.NaN);
            Number(w, "batch_min", x.spread?.Min ?? double.NaN);
            Number(w, "batch_max", x.spread?.Max ?? double.NaN);
            w.WriteEndObject();
        });
        w.WriteStartObject("frontier");
        Number(w, "lambda", s.Frontier.Lambda);
        Number(w, "lower", s.Frontier.LambdaLower);
        Number(w, "upper", s.Frontier.LambdaUpper);
        Number(w, "energy_fraction", s.Frontier.EnergyFraction);
        w.WriteString("reason", s.Frontier.Reason);
        w.WriteEndObject();
        w.WriteStartObject("fit");
        Number(w, "lambda", s.Frontier.Fit.Lambda);
        Number(w, "tail_exponent", s.Frontier.Fit.TailExponent);
        Number(w, "amplitude", s.Frontier.Fit.Amplitude);
        Number(w, "r2", s.Frontier.Fit.R2);
        w.WriteNumber("shells_used", s.Frontier.Fit.ShellsUsed);
        w.WriteString("reason", s.Frontier.Fit.Reason);
        w.WriteEndObject();
        if (p.Unimodality is { } verdict)
        {
            w.WriteStartObject("unimodality");
            w.WriteString("verdict", AnalysisTables.OutcomeText(verdict.Outcome).Replace(' ', '_'));
            w.WriteString("reason", verdict.Reason);
            Number(w, "dip", verdict.DipDepth);
            w.WriteNumber("batches_unimodal", p.BatchUnimodality.Count(o => o == UnimodalityOutcome.Unimodal));
            w.WriteNumber("batches_not_unimodal", p.BatchUnimodality.Count(o => o == UnimodalityOutcome.NotUnimodal));
            w.WriteNumber("batches_undecided", p.BatchUnimodality.Count(o => o == UnimodalityOutcome.Undecided));
            w.WriteEndObject();
        }

        WriteArray(w, "probe_methods", s.ProbeMethods, (w, m) => w.WriteStringValue(ProbeMethodNames.ToWireName(m)));
        w.WriteEndObject();
    }

    private static void WriteDisplacement(Utf8JsonWriter w, FrontierDisplacementSeries d)
    {
        w.WriteStartObject();
        w.WriteNumber("lanczos_steps", d.LanczosSteps);
        Number(w, "slope", d.Slope);
        w.WriteNumber("slope_checkpoints", d.SlopeCheckpoints);
        Number(w, "fit_slope", d.FitSlope);
        w.WriteNumber("fit_slope_checkpoints", d.FitSlopeCheckpoints);
        WriteArray(w, "intervals", d.Intervals, (w, i) =>
        {
            w.WriteStartObject();
            w.WriteNumber("from_step", i.FromStep);
            w.WriteNumber("to_step", i.ToStep);
            Number(w, "delta_ln_t", i.DeltaLogStep);
            Number(w, "delta_ln_lambda", i.DeltaLogLambda);
            Number(w, "delta_ln_lambda_lower", i.DeltaLogLambdaLower);
            Number(w, "delta_ln_lambda_upper", i.DeltaLogLambdaUpper);
            Number(w, "fit_delta_ln_lambda", i.FitDeltaLogLambda);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    private static void WriteSensitivity(Utf8JsonWriter w, DepthSensitivity s)
    {
        w.WriteStartObject();
        w.WriteNumber("step", s.Checkpoint.Step);
        w.WriteNumber("from_lanczos_steps", s.Depths[0]);
        w.WriteNumber("to_lanczos_steps", s.Depths[^1]);
        Number(w, "max_shell_change", s.MaxChange);
        Number(w, "max_shell_change_relative", s.MaxChangeRelative);
        if (s.MaxChangeShell is { } shell)
        {
            w.WriteNumber("max_change_shell", shell);
        }
        else
        {
            w.WriteNull("max_change_shell");
        }

        w.WriteNumber("shells_with_disjoint_bounds", s.ShellsWithDisjointBounds);
        w.WriteBoolean("exact", s.IsExact);
        WriteArray(w, "shells", s.Shells, (w, shell) =>
        {
            w.WriteStartObject();
            w.WriteNumber("index", shell.Index);
            WriteArray(w, "estimates", shell.Estimates, NumberValue);
            WriteArray(w, "lower", shell.Lower, NumberValue);
            WriteArray(w, "upper", shell.Upper, NumberValue);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    private static void WriteArray<T>(Utf8JsonWriter w, string key, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(key);
        foreach (var item in items)
        {
            write(w, item);
        }

        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string key, double value) => ProbeSnapshotJsonWriter.WriteNumber(w, key, value);

    private static void NumberValue(Utf8JsonWriter w, double value) => ProbeSnapshotJsonWriter.WriteNumberValue(w, value);
}
