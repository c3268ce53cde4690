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
    /// Version 4 changed the meaning of three keys whose names stayed: <c>kernel_distance</c> (and
    /// <c>kernel_distance_from_first</c>) became the distance of the model's tangent kernel instead of the error operator M's,
    /// <c>kernel_velocity</c> became the radians the tangent kernel turned since the first probe per e-fold of the held-out
    /// loss's fall instead of S per unit ln t (another unit: a version-3 value read as a version-4 one would sit on the wrong
    /// side of the threshold, so older lines read it back as NaN), and <c>training_loss</c> became the mean of the losses
    /// since the previous probe instead of one minibatch's; it also added <c>output_change</c> and <c>probe_loss</c> (both
    /// optional for readers: absent reads back as NaN). Version 4 has not been released (the released writer writes 3), so the
    /// velocity's definition was settled within it rather than in a version 5.
    /// </summary>
    public const int SchemaVersion = 4;

    /// <inheritdoc cref="ProbeSnapshotJsonWriter.ToLine(ProbeSnapshot)"/>
    public static byte[] ToLine(ProbeSnapshot snapshot) => ProbeSnapshotJsonWriter.ToLine(snapshot);

    /// <inheritdoc cref="ProbeSnapshotJsonWriter.Write(Utf8JsonWriter, ProbeSnapshot)"/>
    public static void Write(Utf8JsonWriter writer, ProbeSnapshot s) => ProbeSnapshotJsonWriter.Write(writer, s);

    /// <inheritdoc cref="ProbeSnapshotJsonReader.Read(JsonElement)"/>
    public static ProbeSnapshot Read(JsonElement root) => ProbeSnapshotJsonReader.Read(root);
}
