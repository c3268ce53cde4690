using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// The writing half of <see cref="ProbeSnapshotJson"/>: a <see cref="ProbeSnapshot"/> as one JSON object of schema
/// version <see cref="ProbeSnapshotJson.SchemaVersion"/>, keys in their fixed order, a non-finite number as <c>null</c>.
/// </summary>
internal static class ProbeSnapshotJsonWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Reasons contain λ, η, ≥: keep them readable in the file. The output is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>The snapshot as one UTF-8 line, terminated by <c>\n</c>.</summary>
    public static byte[] ToLine(ProbeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, snapshot);
        }

        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Writes the snapshot as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, ProbeSnapshot s)
    {
        var a = s.Assessment;
        var f = s.Frontier;
        writer.WriteStartObject();
        writer.WriteNumber("schema_version", ProbeSnapshotJson.SchemaVersion);
        writer.WriteString("run", s.Run);
        writer.WriteString("run_id", s.RunId);
        writer.WriteNumber("step", s.Step);
        writer.WriteNumber("probe_index", s.ProbeIndex);
        writer.WriteString("timestamp", s.Timestamp);
        WriteNumber(writer, "learning_rate", s.LearningRate);
        WriteNumber(writer, "training_loss", s.TrainingLoss);
        WriteNumber(writer, "probe_loss", s.ProbeLoss);
        WriteNumber(writer, "error_energy", s.ErrorEnergy);
        WriteNumber(writer, "null_energy", s.NullEnergy);
        WriteNumber(writer, "null_floor", s.NullFloor);
        WriteNumber(writer, "shell_ratio", s.ShellRatio);

        writer.WriteStartArray("shells");
        foreach (var shell in s.Shells)
        {
            writer.WriteStartObject();
            WriteShellFields(writer, shell.Index, shell.LambdaLower, shell.LambdaUpper, shell.Estimate, shell.Lower, shell.Upper);
            if (shell.Occupancy is { } occupancy)
            {
                writer.WriteNumber("occupancy", occupancy);
            }
            else
            {
                writer.WriteNull("occupancy");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartObject("frontier");
        WriteNumber(writer, "lambda", f.Lambda);
        WriteNumber(writer, "lambda_lower", f.LambdaLower);
        WriteNumber(writer, "lambda_upper", f.LambdaUpper);
        WriteNumber(writer, "energy_fraction", f.EnergyFraction);
        writer.WriteString("reason", f.Reason);
        WriteFit(writer, f.Fit);
        writer.WriteEndObject();

        WriteNumber(writer, "spectral_position", s.SpectralPosition);
        WriteNumber(writer, "lambda_max", s.LambdaMax);
        writer.WriteString("regime", a.Regime.ToWireName());
        writer.WriteString("regime_reason", a.Reason);
        WriteNumber(writer, "kernel_distance", a.KernelDistance);
        WriteNumber(writer, "kernel_distance_from_first", a.KernelDistanceFromFirst);
        WriteNumber(writer, "kernel_velocity", a.KernelVelocity);
        WriteNumber(writer, "output_change", a.OutputChange);
        WriteNumber(writer, "frontier_velocity", a.FrontierVelocity);
        WriteNumber(writer, "predicted_loss_exponent", a.PredictedLossExponent);
        WriteNumber(writer, "measured_loss_exponent", a.MeasuredLossExponent);
        WriteNumber(writer, "stability_margin", a.StabilityMargin);
        WriteNumber(writer, "probe_duration_seconds", s.ProbeDurationSeconds);
        writer.WriteNumber("operator_applications", s.OperatorApplications);
        writer.WriteNumber("lanczos_steps", s.LanczosSteps);
        writer.WriteStartArray("probe_methods");
        foreach (var method in s.ProbeMethods)
        {
            writer.WriteStringValue(ProbeMethodNames.ToWireName(method));
        }

        writer.WriteEndArray();
        if (s.ProbeMethodRequested is { } requested)
        {
            writer.WriteString("probe_method_requested", ProbeMethodNames.ToWireName(requested));
        }
        else
        {
            writer.WriteNull("probe_method_requested");
        }

        writer.WriteString("probe_fallback_reason", s.ProbeFallbackReason);
        writer.WriteNumber("error_entries", s.ErrorEntries);
        WriteNumber(writer, "overhead_ratio", s.OverheadRatio);
        EnergyBudgetJson.Write(writer, s);
        writer.WriteEndObject();
    }

    private static void WriteFit(Utf8JsonWriter writer, FrontierFitSnapshot fit)
    {
        writer.WriteStartObject("fit");
        WriteNumber(writer, "lambda", fit.Lambda);
        WriteNumber(writer, "tail_exponent", fit.TailExponent);
        WriteNumber(writer, "amplitude", fit.Amplitude);
        WriteNumber(writer, "r2", fit.R2);
        writer.WriteNumber("shells_used", fit.ShellsUsed);
        if (fit.PeakShell is { } peak)
        {
            writer.WriteNumber("peak_shell", peak);
        }
        else
        {
            writer.WriteNull("peak_shell");
        }

        writer.WriteString("reason", fit.Reason);
        WriteNumber(writer, "outlier_energy", fit.OutlierEnergy);
        writer.WriteNumber("outlier_shells", fit.OutlierShells);
        writer.WriteEndObject();
    }

    /// <summary>The keys every per-shell object starts with: its index, edges, estimate and certified bounds.</summary>
    internal static void WriteShellFields(Utf8JsonWriter writer, int index, double lambdaLower, double lambdaUpper, double estimate, double lower, double upper)
    {
        writer.WriteNumber("index", index);
        WriteNumber(writer, "lambda_lower", lambdaLower);
        WriteNumber(writer, "lambda_upper", lambdaUpper);
        WriteNumber(writer, "estimate", estimate);
        WriteNumber(writer, "lower", lower);
        WriteNumber(writer, "upper", upper);
    }

    internal static void WriteNumber(Utf8JsonWriter writer, string key, double? value)
    {
        writer.WritePropertyName(key);
        WriteNumberValue(writer, value);
    }

    /// <summary>A number as the shortest text that reads back as the same double; null when it is missing or not finite.</summary>
    internal static void WriteNumberValue(Utf8JsonWriter writer, double? value)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            writer.WriteNullValue();
            return;
        }

        // The shortest round-trip form, checked: .NET's shortest formatting gives a string that parses to the neighbouring
        // double for some exact powers of two (2^-25 prints as 2.980232238769531E-08; dotnet/runtime#131131), and the
        // shell edges of a ratio-2 grid are exact powers of two. Fall back to 17 significant digits, which always round-trip.
        Span<byte> text = stackalloc byte[32];
        if (!v.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture)
            || !double.TryParse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out var back)
            || back != v)
        {
            v.TryFormat(text, out length, "G17", CultureInfo.InvariantCulture);
        }

        writer.WriteRawValue(text[..length], skipInputValidation: false);
    }
}
