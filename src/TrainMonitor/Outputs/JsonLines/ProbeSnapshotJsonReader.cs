using System.Globalization;
using System.Text.Json;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// The reading half of <see cref="ProbeSnapshotJson"/>: a <see cref="ProbeSnapshot"/> from one parsed line of schema
/// version 1 to <see cref="ProbeSnapshotJson.SchemaVersion"/>, <c>null</c> read back as NaN (or as <c>null</c> where the
/// value is nullable).
/// </summary>
internal static class ProbeSnapshotJsonReader
{
    /// <summary>The version that introduced the probe method requested and the fallback reason.</summary>
    private const int FallbackReasonVersion = 2;

    /// <summary>The version that introduced the quantile frontier, the fit's own object and shell occupancy.</summary>
    private const int QuantileFrontierVersion = 3;

    /// <summary>
    /// The version whose kernel figures are the tangent kernel's, with the kernel velocity in radians per e-fold of the
    /// held-out loss's fall, and which added <c>output_change</c> and <c>probe_loss</c>.
    /// </summary>
    private const int TangentKernelVersion = 4;

    /// <summary>
    /// Rebuilds a snapshot from one parsed line. Throws <see cref="FormatException"/> when a key is missing or has the wrong
    /// type, and <see cref="NotSupportedException"/> when the line was written with a newer schema version. Keys this
    /// version does not know are ignored, so later versions may add keys without breaking older readers. Lines of version 1 lack the probe method requested and the fallback reason: both read back as null. Lines before version 4 recorded the kernel velocity in another unit (S per unit ln t): it reads back as NaN; <c>output_change</c> and <c>probe_loss</c>, absent from them, read back as NaN too (as they do from any line without them).
    /// </summary>
    public static ProbeSnapshot Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Expected a JSON object, found {root.ValueKind}.");
        }

        var version = GetInt64(root, "schema_version");
        if (version > ProbeSnapshotJson.SchemaVersion)
        {
            throw new NotSupportedException(
                $"schema_version {version} was written by a newer TrainMonitor; this reader understands schema_version {ProbeSnapshotJson.SchemaVersion}. Update TrainMonitor to read this file.");
        }

        if (version < 1)
        {
            throw new FormatException($"schema_version {version} is not a valid version (versions start at 1).");
        }

        var frontier = GetObject(root, "frontier");
        var shells = Get(root, "shells", JsonValueKind.Array);
        var shellList = new List<ShellSnapshot>(shells.GetArrayLength());
        foreach (var shell in shells.EnumerateArray())
        {
            if (shell.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"'shells' must hold objects, found {shell.ValueKind}.");
            }

            shellList.Add(new ShellSnapshot(
                GetInt32(shell, "index"),
                GetDouble(shell, "lambda_lower"),
                GetDouble(shell, "lambda_upper"),
                GetDouble(shell, "estimate"),
                GetDouble(shell, "lower"),
                GetDouble(shell, "upper"),
                version >= QuantileFrontierVersion ? GetNullableInt32(shell, "occupancy") : null));
        }

        return new ProbeSnapshot
        {
            Run = GetString(root, "run"),
            RunId = GetOptionalString(root, "run_id"),
            Step = GetInt64(root, "step"),
            ProbeIndex = GetInt64(root, "probe_index"),
            Timestamp = GetTimestamp(root, "timestamp"),
            LearningRate = GetNullableDouble(root, "learning_rate"),
            TrainingLoss = GetNullableDouble(root, "training_loss"),
            ProbeLoss = GetOptionalDouble(root, "probe_loss"),
            ErrorEnergy = GetDouble(root, "error_energy"),
            NullEnergy = GetDouble(root, "null_energy"),
            NullFloor = GetDouble(root, "null_floor"),
            ShellRatio = GetDouble(root, "shell_ratio"),
            Shells = shellList,
            Frontier = ReadFrontier(frontier, version),
            SpectralPosition = GetDouble(root, "spectral_position"),
            LambdaMax = GetDouble(root, "lambda_max"),
            Assessment = new RegimeAssessment
            {
                Regime = TrainingRegimeNames.Parse(GetString(root, "regime")),
                Reason = GetString(root, "regime_reason"),
                KernelDistance = GetDouble(root, "kernel_distance"),
                KernelDistanceFromFirst = GetDouble(root, "kernel_distance_from_first"),
                KernelVelocity = version >= TangentKernelVersion ? GetDouble(root, "kernel_velocity") : double.NaN,
                OutputChange = GetOptionalDouble(root, "output_change"),
                FrontierVelocity = GetDouble(root, "frontier_velocity"),
                PredictedLossExponent = GetDouble(root, "predicted_loss_exponent"),
                MeasuredLossExponent = GetDouble(root, "measured_loss_exponent"),
                StabilityMargin = GetDouble(root, "stability_margin"),
            },
            ProbeDurationSeconds = GetDouble(root, "probe_duration_seconds"),
            OperatorApplications = GetInt64(root, "operator_applications"),
            LanczosSteps = GetInt32(root, "lanczos_steps"),
            ProbeMethods = GetProbeMethods(root),
            ProbeMethodRequested = GetProbeMethodRequested(root, version),
            ProbeFallbackReason = GetVersionedString(root, "probe_fallback_reason", version),
            ErrorEntries = GetInt32(root, "error_entries"),
            OverheadRatio = GetDouble(root, "overhead_ratio"),
            Dissipation = EnergyBudgetJson.ReadDissipation(root),
            Transport = EnergyBudgetJson.ReadTransport(root),
        };
    }

    /// <summary>
    /// From version 3 the quantile frontier with the fit under <c>fit</c>; before, the object was the fit itself and no
    /// quantile frontier was recorded. A null <c>lambda_upper</c> beside a determined λ_f is an unbounded upper end (+∞).
    /// </summary>
    private static FrontierSnapshot ReadFrontier(JsonElement frontier, long version)
    {
        if (version < QuantileFrontierVersion)
        {
            var legacyFit = ReadFit(frontier, hasOutliers: false);
            return new FrontierSnapshot(double.NaN, double.NaN, double.NaN, double.NaN,
                string.Create(CultureInfo.InvariantCulture, $"not recorded (schema version {version} files hold only the fit)"), legacyFit);
        }

        var reason = GetNullableString(frontier, "reason");
        var upper = GetDouble(frontier, "lambda_upper");
        if (reason is null && double.IsNaN(upper))
        {
            upper = double.PositiveInfinity;
        }

        return new FrontierSnapshot(
            GetDouble(frontier, "lambda"),
            GetDouble(frontier, "lambda_lower"),
            upper,
            GetDouble(frontier, "energy_fraction"),
            reason,
            ReadFit(GetObject(frontier, "fit"), hasOutliers: true));
    }

    private static FrontierFitSnapshot ReadFit(JsonElement fit, bool hasOutliers) => new(
        GetDouble(fit, "lambda"),
        GetDouble(fit, "tail_exponent"),
        GetDouble(fit, "amplitude"),
        GetDouble(fit, "r2"),
        GetInt32(fit, "shells_used"),
        GetNullableInt32(fit, "peak_shell"),
        GetNullableString(fit, "reason"),
        hasOutliers ? GetDouble(fit, "outlier_energy") : double.NaN,
        hasOutliers ? GetInt32(fit, "outlier_shells") : 0);

    /// <summary>Optional: lines written before the key existed read back as an empty list.</summary>
    private static IReadOnlyList<ProbeMethod> GetProbeMethods(JsonElement root)
    {
        if (!root.TryGetProperty("probe_methods", out _))
        {
            return [];
        }

        var array = Get(root, "probe_methods", JsonValueKind.Array);
        var methods = new List<ProbeMethod>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"Key 'probe_methods' must hold strings, found {item.ValueKind}.");
            }

            methods.Add(ProbeMethodNames.Parse(item.GetString()!));
        }

        return methods;
    }

    /// <summary>Required from version 2 on; a version-1 line did not record it (null), unless a writer added it anyway.</summary>
    private static ProbeMethod? GetProbeMethodRequested(JsonElement root, long version) =>
        GetVersionedString(root, "probe_method_requested", version) is { } name ? ProbeMethodNames.Parse(name) : null;

    private static string? GetVersionedString(JsonElement root, string key, long version) =>
        version < FallbackReasonVersion && !root.TryGetProperty(key, out _) ? null : GetNullableString(root, key);

    /// <summary>
    /// A key added within a schema version (readers ignore unknown keys, so adding it did not change the version): lines
    /// written before it existed lack it, and it reads back as null.
    /// </summary>
    private static string? GetOptionalString(JsonElement root, string key) =>
        root.TryGetProperty(key, out _) ? GetNullableString(root, key) : null;

    /// <summary>
    /// A number older lines (or lines from writers that leave it out) lack: absent reads back as NaN ("not known"), like a
    /// <c>null</c> value. Optional rather than tied to a version, so a file is read whichever writer produced it.
    /// </summary>
    private static double GetOptionalDouble(JsonElement root, string key) =>
        root.TryGetProperty(key, out _) ? GetDouble(root, key) : double.NaN;

    internal static JsonElement Get(JsonElement obj, string key)
    {
        if (!obj.TryGetProperty(key, out var value))
        {
            throw new FormatException($"Missing key '{key}'.");
        }

        return value;
    }

    private static JsonElement Get(JsonElement obj, string key, JsonValueKind kind)
    {
        var value = Get(obj, key);
        if (value.ValueKind != kind)
        {
            throw new FormatException($"Key '{key}' must be {Describe(kind)}, found {Describe(value.ValueKind)}.");
        }

        return value;
    }

    private static JsonElement GetObject(JsonElement obj, string key) => Get(obj, key, JsonValueKind.Object);

    private static string GetString(JsonElement obj, string key) => Get(obj, key, JsonValueKind.String).GetString()!;

    private static string? GetNullableString(JsonElement obj, string key)
    {
        var value = Get(obj, key);
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => throw new FormatException($"Key '{key}' must be a string or null, found {Describe(value.ValueKind)}."),
        };
    }

    private static DateTimeOffset GetTimestamp(JsonElement obj, string key)
    {
        var value = Get(obj, key, JsonValueKind.String);
        if (!value.TryGetDateTimeOffset(out var timestamp))
        {
            throw new FormatException($"Key '{key}' must be an ISO 8601 date and time, found \"{value.GetString()}\".");
        }

        return timestamp;
    }

    internal static double GetDouble(JsonElement obj, string key) => GetNullableDouble(obj, key) ?? double.NaN;

    private static double? GetNullableDouble(JsonElement obj, string key)
    {
        var value = Get(obj, key);
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
            JsonValueKind.Number => throw new FormatException($"Key '{key}' holds {value.GetRawText()}, which is out of the range of a double."),
            _ => throw new FormatException($"Key '{key}' must be a number or null, found {Describe(value.ValueKind)}."),
        };
    }

    internal static long GetInt64(JsonElement obj, string key)
    {
        var value = Get(obj, key, JsonValueKind.Number);
        if (!value.TryGetInt64(out var result))
        {
            throw new FormatException($"Key '{key}' must be an integer, found {value.GetRawText()}.");
        }

        return result;
    }

    internal static int GetInt32(JsonElement obj, string key)
    {
        var value = Get(obj, key, JsonValueKind.Number);
        if (!value.TryGetInt32(out var result))
        {
            throw new FormatException($"Key '{key}' must be a 32-bit integer, found {value.GetRawText()}.");
        }

        return result;
    }

    private static int? GetNullableInt32(JsonElement obj, string key)
    {
        var value = Get(obj, key);
        return value.ValueKind == JsonValueKind.Null ? null : GetInt32(obj, key);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
