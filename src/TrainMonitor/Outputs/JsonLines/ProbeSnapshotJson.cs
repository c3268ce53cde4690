using System.Text.Json;

namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// The JSON-lines wire format of a <see cref="ProbeSnapshot"/> (docs/snapshot-schema.md): one object per line, snake_case
/// keys in a fixed order, <c>schema_version</c> first. JSON has no NaN or infinity, so a non-finite number is written as
/// <c>null</c> and read back as NaN (or as <c>null</c> for the nullable learning rate and training loss).
/// </summary>
internal static class ProbeSnapshotJson
{
    /// <summary>
    /// The schema version this code writes and the newest it reads. Version 2 added <c>probe_method_requested</c> and
    /// <c>probe_fallback_reason</c>; it is a version, not just added keys, because in version 2 a null reason means "no
    /// fallback" while a version-1 line simply did not record it, and a reader must be able to tell the two apart.
    /// Version 3 made <c>frontier</c> the energy-quantile frontier (<c>lambda</c>, <c>lambda_lower</c>, <c>lambda_upper</c>,
    /// <c>energy_fraction</c>, <c>reason</c>) with the amplitude–frontier fit moved under <c>frontier.fit</c> (plus
    /// <c>outlier_energy</c>, <c>outlier_shells</c>), and added <c>occupancy</c> per shell: the meaning of
    /// <c>frontier.lambda</c> changed, so older lines are read with their frontier as the fit and no quantile frontier.
    /// </summary>
    public const int SchemaVersion = 3;

    /// <inheritdoc cref="ProbeSnapshotJsonWriter.ToLine(ProbeSnapshot)"/>
    public static byte[] ToLine(ProbeSnapshot snapshot) => ProbeSnapshotJsonWriter.ToLine(snapshot);

    /// <inheritdoc cref="ProbeSnapshotJsonWriter.Write(Utf8JsonWriter, ProbeSnapshot)"/>
    public static void Write(Utf8JsonWriter writer, ProbeSnapshot s) => ProbeSnapshotJsonWriter.Write(writer, s);

    /// <inheritdoc cref="ProbeSnapshotJsonReader.Read(JsonElement)"/>
    public static ProbeSnapshot Read(JsonElement root) => ProbeSnapshotJsonReader.Read(root);
}
