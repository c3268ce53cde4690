using System.Text.Json;
using TrainMonitor.EnergyBudget;
using static TrainMonitor.Outputs.JsonLines.ProbeSnapshotJsonReader;
using static TrainMonitor.Outputs.JsonLines.ProbeSnapshotJsonWriter;

namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// The <c>dissipation</c> and <c>transport</c> objects of a JSON line (docs/snapshot-schema.md): the probe's energy budget.
/// Keys added within schema version 3 (readers ignore unknown keys), so a line without them reads back as null.
/// </summary>
internal static class EnergyBudgetJson
{
    public static void Write(Utf8JsonWriter writer, ProbeSnapshot s)
    {
        if (s.Dissipation is { } d)
        {
            writer.WriteStartObject("dissipation");
            WriteNumber(writer, "learning_rate", d.LearningRate);
            WriteNumber(writer, "total", d.Total);
            WriteNumber(writer, "null", d.NullDissipation);
            writer.WriteStartArray("shells");
            foreach (var shell in d.Shells)
            {
                writer.WriteStartObject();
                WriteShellFields(writer, shell.Index, shell.LambdaLower, shell.LambdaUpper, shell.Estimate, shell.Lower, shell.Upper);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("dissipation");
        }

        if (s.Transport is not { } t)
        {
            writer.WriteNull("transport");
            return;
        }

        writer.WriteStartObject("transport");
        writer.WriteNumber("from_step", t.FromStep);
        writer.WriteNumber("to_step", t.ToStep);
        WriteNumber(writer, "fraction", t.TransportFraction);
        WriteNumber(writer, "fraction_lower", t.TransportFractionLower);
        WriteNumber(writer, "fraction_upper", t.TransportFractionUpper);
        WriteNumber(writer, "measured_energy", t.MeasuredEnergy);
        WriteNumber(writer, "predicted_energy", t.PredictedEnergy);
        writer.WriteBoolean("exact", t.IsExact);
        var n = t.Null;
        writer.WriteStartObject("null");
        WriteNumber(writer, "floor", n.Floor);
        WriteNumber(writer, "measured", n.Measured);
        WriteNumber(writer, "predicted", n.Predicted);
        WriteNumber(writer, "predicted_lower", n.PredictedLower);
        WriteNumber(writer, "predicted_upper", n.PredictedUpper);
        WriteNumber(writer, "residual", n.Residual);
        WriteNumber(writer, "residual_lower", n.ResidualLower);
        WriteNumber(writer, "residual_upper", n.ResidualUpper);
        writer.WriteEndObject();
        writer.WriteStartArray("shells");
        foreach (var shell in t.Shells)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", shell.Index);
            WriteNumber(writer, "lambda_lower", shell.LambdaLower);
            WriteNumber(writer, "lambda_upper", shell.LambdaUpper);
            WriteNumber(writer, "measured", shell.Measured);
            WriteNumber(writer, "predicted", shell.Predicted);
            WriteNumber(writer, "predicted_lower", shell.PredictedLower);
            WriteNumber(writer, "predicted_upper", shell.PredictedUpper);
            WriteNumber(writer, "residual", shell.Residual);
            WriteNumber(writer, "residual_lower", shell.ResidualLower);
            WriteNumber(writer, "residual_upper", shell.ResidualUpper);
            WriteNumber(writer, "flux", shell.Flux);
            WriteNumber(writer, "flux_lower", shell.FluxLower);
            WriteNumber(writer, "flux_upper", shell.FluxUpper);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static DissipationProfile? ReadDissipation(JsonElement root)
    {
        if (!root.TryGetProperty("dissipation", out var d) || d.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return new DissipationProfile
        {
            LearningRate = GetDouble(d, "learning_rate"),
            Total = GetDouble(d, "total"),
            NullDissipation = GetDouble(d, "null"),
            Shells = Array.AsReadOnly(Get(d, "shells").EnumerateArray().Select(x => new ShellDissipation(GetInt32(x, "index"),
                GetDouble(x, "lambda_lower"), GetDouble(x, "lambda_upper"), GetDouble(x, "estimate"), GetDouble(x, "lower"), GetDouble(x, "upper"))).ToArray()),
        };
    }

    public static TransportBudget? ReadTransport(JsonElement root)
    {
        if (!root.TryGetProperty("transport", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var n = Get(t, "null");
        return new TransportBudget
        {
            FromStep = GetInt64(t, "from_step"),
            ToStep = GetInt64(t, "to_step"),
            TransportFraction = GetDouble(t, "fraction"),
            TransportFractionLower = GetDouble(t, "fraction_lower"),
            TransportFractionUpper = GetDouble(t, "fraction_upper"),
            MeasuredEnergy = GetDouble(t, "measured_energy"),
            PredictedEnergy = GetDouble(t, "predicted_energy"),
            IsExact = Get(t, "exact").ValueKind == JsonValueKind.True,
            Null = new NullTransport(GetDouble(n, "floor"), GetDouble(n, "measured"), GetDouble(n, "predicted"), GetDouble(n, "predicted_lower"),
                GetDouble(n, "predicted_upper"), GetDouble(n, "residual"), GetDouble(n, "residual_lower"), GetDouble(n, "residual_upper")),
            Shells = Array.AsReadOnly(Get(t, "shells").EnumerateArray().Select(x => new ShellTransport(GetInt32(x, "index"),
                GetDouble(x, "lambda_lower"), GetDouble(x, "lambda_upper"), GetDouble(x, "measured"), GetDouble(x, "predicted"),
                GetDouble(x, "predicted_lower"), GetDouble(x, "predicted_upper"), GetDouble(x, "residual"), GetDouble(x, "residual_lower"),
                GetDouble(x, "residual_upper"), GetDouble(x, "flux"), GetDouble(x, "flux_lower"), GetDouble(x, "flux_upper"))).ToArray()),
        };
    }
}
